/**
 * Seeded synthetic host-utilisation traces (CPU and memory, %) with the two patterns a
 * capacity forecast has to cope with: a daily load cycle and bursts that start without
 * warning and last minutes to an hour. Several hosts share the clock but not their load.
 *
 * Per host and step (all in % of the host):
 *   cpu = base + amplitude * daily(t - peakShift) + wander + burst + noise
 *   mem = memBase + memAmplitude * daily(t - peakShift) + leak + memBurst + noise / 2
 * daily() is 0 at night and 1 at the afternoon peak (a raised cosine plus a second harmonic
 * that makes the working day flatter than a sine); wander is a slow AR(1) random walk; bursts
 * arrive as a Poisson process, ramp up over 1-3 minutes, hold, then decay; memory follows half
 * of the bursts with half their size and grows slowly (a leak) until a periodic restart.
 */
import { SeededRng } from '../../platform/seeded-rng.ts';

export interface CapacityTraceOptions {
  seed?: number;
  /** Hosts to generate (default 6), named compute-01, compute-02, ... */
  hosts?: number;
  /** Length, days (default 7). */
  days?: number;
  /** Step between samples, s (default 60). */
  stepSeconds?: number;
  /** Epoch seconds of the first sample (default 2026-11-02T00:00:00Z, a Monday). */
  start?: number;
  /** Night-time CPU per host is drawn from this range, % (default 10-30). */
  cpuBase?: readonly [number, number];
  /** Daily CPU swing per host, % (default 20-45). */
  cpuAmplitude?: readonly [number, number];
  /** Night-time memory per host, % (default 30-50). */
  memBase?: readonly [number, number];
  /** Daily memory swing per host, % (default 5-15). */
  memAmplitude?: readonly [number, number];
  /** Peak hour UTC per host is drawn from this range (default 11-17). */
  peakHour?: readonly [number, number];
  /** Bursts per hour per host, mean (default 0.4). */
  burstsPerHour?: number;
  /** Burst height, % CPU (default 15-40). */
  burstHeight?: readonly [number, number];
  /** Median burst duration, minutes (log-normal, sigma 0.6; default 12). */
  burstMinutes?: number;
  /** Standard deviation of the white noise on CPU, % (memory gets half; default 3). */
  noise?: number;
  /** Standard deviation of the slow AR(1) wander's innovations, % per minute (default 0.3; time constant 200 min). */
  wander?: number;
  /** Memory leak, % per hour (default 0.3), reset every `restartDays` (default 3). */
  memLeakPerHour?: number;
  restartDays?: number;
}

export interface HostTrace {
  name: string;
  /** CPU utilisation, %, one value per step. */
  cpu: number[];
  /** Memory utilisation, %, one value per step. */
  mem: number[];
}

export interface CapacityTrace {
  /** Epoch seconds of the first sample. */
  start: number;
  stepSeconds: number;
  hosts: HostTrace[];
  /** The options used, defaults filled in (documents the trace in reports). */
  params?: Required<CapacityTraceOptions>;
}

export const CAPACITY_TRACE_DEFAULTS: Required<CapacityTraceOptions> = Object.freeze({
  seed: 1,
  hosts: 6,
  days: 7,
  stepSeconds: 60,
  start: Date.UTC(2026, 10, 2) / 1000,
  cpuBase: [10, 30] as const,
  cpuAmplitude: [20, 45] as const,
  memBase: [30, 50] as const,
  memAmplitude: [5, 15] as const,
  peakHour: [11, 17] as const,
  burstsPerHour: 0.4,
  burstHeight: [15, 40] as const,
  burstMinutes: 12,
  noise: 3,
  wander: 0.3,
  memLeakPerHour: 0.3,
  restartDays: 3,
});

const DAY = 86_400;
const clamp = (v: number) => Math.min(100, Math.max(0, v));

/** 0 at night, 1 at the peak; flatter top than a sine (second harmonic). */
export function dailyShape(secondsFromPeak: number): number {
  const c = Math.cos((2 * Math.PI * secondsFromPeak) / DAY);
  // 0.5 + 0.5 cos x + 0.1 (1 - cos 2x), written in c = cos x: monotone in c, 0 at c = -1, 1 at c = 1.
  return 0.7 + 0.5 * c - 0.2 * c * c;
}

interface Burst {
  start: number;
  rampSteps: number;
  holdSteps: number;
  decaySteps: number;
  height: number;
  memHeight: number;
}

function drawBursts(rng: SeededRng, o: Required<CapacityTraceOptions>, n: number): Burst[] {
  const bursts: Burst[] = [];
  const perStep = (o.burstsPerHour * o.stepSeconds) / 3600;
  const stepsPerMin = 60 / o.stepSeconds;
  let t = 0;
  while (perStep > 0) {
    t += Math.max(1, Math.round(-Math.log(1 - rng.next()) / perStep));
    if (t >= n) break;
    const minutes = o.burstMinutes * Math.exp(0.6 * rng.normal());
    const height = rng.uniform(o.burstHeight[0], o.burstHeight[1]);
    bursts.push({
      start: t,
      rampSteps: Math.max(1, Math.round(rng.uniform(1, 3) * stepsPerMin)),
      holdSteps: Math.max(1, Math.round(minutes * stepsPerMin)),
      decaySteps: Math.max(1, Math.round(rng.uniform(1, 4) * stepsPerMin)),
      height,
      memHeight: rng.chance(0.5) ? height / 2 : 0,
    });
  }
  return bursts;
}

/** Burst profile at step i: 0..1 ramp, 1 hold, 1..0 decay. */
function burstLevel(b: Burst, i: number): number {
  const k = i - b.start;
  if (k < 0) return 0;
  if (k < b.rampSteps) return (k + 1) / b.rampSteps;
  if (k < b.rampSteps + b.holdSteps) return 1;
  const d = k - b.rampSteps - b.holdSteps;
  return d < b.decaySteps ? 1 - (d + 1) / b.decaySteps : 0;
}

function generateHost(rng: SeededRng, o: Required<CapacityTraceOptions>, name: string, n: number): HostTrace {
  const cpuBase = rng.uniform(o.cpuBase[0], o.cpuBase[1]);
  const cpuAmp = rng.uniform(o.cpuAmplitude[0], o.cpuAmplitude[1]);
  const memBase = rng.uniform(o.memBase[0], o.memBase[1]);
  const memAmp = rng.uniform(o.memAmplitude[0], o.memAmplitude[1]);
  const peak = rng.uniform(o.peakHour[0], o.peakHour[1]) * 3600;
  const bursts = drawBursts(rng, o, n);
  const restartSteps = Math.max(1, Math.round((o.restartDays * DAY) / o.stepSeconds));
  const leakPerStep = (o.memLeakPerHour * o.stepSeconds) / 3600;
  const restartOffset = rng.int(0, restartSteps - 1);
  const cpu = new Array<number>(n);
  const mem = new Array<number>(n);
  let wander = 0;
  const wanderKeep = Math.exp(-o.stepSeconds / 12_000);
  const wanderStep = o.wander * Math.sqrt(o.stepSeconds / 60);
  let active = 0;
  for (let i = 0; i < n; i++) {
    const t = o.start + i * o.stepSeconds;
    const daily = dailyShape(((t % DAY) + DAY - peak) % DAY);
    wander = wanderKeep * wander + wanderStep * rng.normal();
    while (active < bursts.length && bursts[active].start + bursts[active].rampSteps + bursts[active].holdSteps + bursts[active].decaySteps <= i) active++;
    let burst = 0;
    let memBurst = 0;
    for (let b = active; b < bursts.length && bursts[b].start <= i; b++) {
      const level = burstLevel(bursts[b], i);
      burst += level * bursts[b].height;
      memBurst += level * bursts[b].memHeight;
    }
    const leak = ((i + restartOffset) % restartSteps) * leakPerStep;
    cpu[i] = clamp(cpuBase + cpuAmp * daily + wander + burst + o.noise * rng.normal());
    mem[i] = clamp(memBase + memAmp * daily + leak + memBurst + (o.noise / 2) * rng.normal());
  }
  return { name, cpu, mem };
}

/** The same options give the same trace on every platform (mulberry32). */
export function generateCapacityTrace(options: CapacityTraceOptions = {}): CapacityTrace {
  const o: Required<CapacityTraceOptions> = { ...CAPACITY_TRACE_DEFAULTS, ...stripUndefined(options) };
  if (!(o.stepSeconds > 0) || !(o.days > 0) || !(o.hosts >= 1)) throw new RangeError('stepSeconds, days and hosts must be positive');
  const n = Math.round((o.days * DAY) / o.stepSeconds);
  const rng = new SeededRng(o.seed);
  const hosts: HostTrace[] = [];
  for (let h = 0; h < o.hosts; h++) hosts.push(generateHost(rng, o, `compute-${String(h + 1).padStart(2, '0')}`, n));
  return { start: o.start, stepSeconds: o.stepSeconds, hosts, params: o };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
