/** mulberry32: small, fast and reproducible; the hostile input generators never use Math.random. */
export class SeededRandom {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** In [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)];
  }

  text(alphabet: string, minLength: number, maxLength: number): string {
    let out = '';
    for (let n = this.int(minLength, maxLength); n > 0; n--) out += alphabet[this.int(0, alphabet.length - 1)];
    return out;
  }
}

export const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** The characters with a meaning in SOL013 filters and attribute selectors (5.2, 5.3). */
export const SOL013_ALPHABET = `(),;'~/${LETTERS}`;
