import { SeededRng } from '../../platform/seeded-rng.ts';

/** The hostile input generators never use Math.random: a seed gives the same requests. */
export class SeededRandom extends SeededRng {
  constructor(readonly seed: number) {
    super(seed);
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
