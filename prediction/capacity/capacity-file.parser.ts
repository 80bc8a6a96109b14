/**
 * Capacity trace files for `evaluate --capacity --data FILE`:
 *  - JSON: a CapacityTrace object `{ start, stepSeconds, hosts: [{ name, cpu: [...], mem: [...] }] }`
 *    (what `JSON.stringify(generateCapacityTrace(...))` writes; null = no sample);
 *  - CSV: a header `time,host,cpu,mem`, then one row per host and step; time in epoch seconds
 *    or ISO 8601; the step is the smallest time difference; a missing row is a gap.
 * Errors name the line, so a bad file is fixed rather than guessed at.
 */
import { readFileSync } from 'node:fs';
import type { CapacityTrace, HostTrace } from './capacity-trace.ts';

export function readCapacityTraceFile(path: string): CapacityTrace {
  const text = readFileSync(path, 'utf8');
  return /^\s*\{/.test(text) ? parseCapacityTraceJson(text, path) : parseCapacityTraceCsv(text, path);
}

export function parseCapacityTraceJson(text: string, name = 'trace'): CapacityTrace {
  const doc = JSON.parse(text) as Partial<CapacityTrace>;
  if (typeof doc.start !== 'number' || typeof doc.stepSeconds !== 'number' || !(doc.stepSeconds > 0)) {
    throw new Error(`${name}: needs numeric start and positive stepSeconds`);
  }
  if (!Array.isArray(doc.hosts) || doc.hosts.length === 0) throw new Error(`${name}: needs a non-empty hosts array`);
  const n = doc.hosts[0]?.cpu?.length ?? 0;
  const hosts: HostTrace[] = doc.hosts.map((h, i) => {
    if (typeof h?.name !== 'string' || !Array.isArray(h.cpu) || !Array.isArray(h.mem)) throw new Error(`${name}: hosts[${i}] needs name, cpu and mem`);
    if (h.cpu.length !== n || h.mem.length !== n) throw new Error(`${name}: hosts[${i}] (${h.name}) has ${h.cpu.length}/${h.mem.length} values, hosts[0] ${n}`);
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : NaN);
    return { name: h.name, cpu: h.cpu.map(num), mem: h.mem.map(num) };
  });
  return { start: doc.start, stepSeconds: doc.stepSeconds, hosts };
}

export function parseCapacityTraceCsv(text: string, name = 'trace'): CapacityTrace {
  const lines = text.split(/\r?\n/);
  const header = lines[0]?.trim().toLowerCase().split(',').map((s) => s.trim());
  if (header?.join(',') !== 'time,host,cpu,mem') throw new Error(`${name} line 1: expected the header "time,host,cpu,mem"`);
  const rows: { t: number; host: string; cpu: number; mem: number }[] = [];
  lines.slice(1).forEach((line, i) => {
    if (!line.trim() || line.startsWith('#')) return;
    const cols = line.split(',').map((s) => s.trim());
    const where = `${name} line ${i + 2}`;
    if (cols.length !== 4) throw new Error(`${where}: expected 4 columns, got ${cols.length}`);
    const t = /^-?\d+(\.\d+)?$/.test(cols[0]) ? Number(cols[0]) : Date.parse(cols[0]) / 1000;
    if (!Number.isFinite(t)) throw new Error(`${where}: time is neither epoch seconds nor ISO 8601: "${cols[0]}"`);
    const cpu = Number(cols[2]);
    const mem = Number(cols[3]);
    if (cols[2] === '' || !Number.isFinite(cpu)) throw new Error(`${where}: cpu is not a number: "${cols[2]}"`);
    if (cols[3] === '' || !Number.isFinite(mem)) throw new Error(`${where}: mem is not a number: "${cols[3]}"`);
    rows.push({ t, host: cols[1], cpu, mem });
  });
  if (rows.length === 0) throw new Error(`${name}: no rows`);
  const times = [...new Set(rows.map((r) => r.t))].sort((a, b) => a - b);
  let step = Infinity;
  for (let i = 1; i < times.length; i++) step = Math.min(step, times[i] - times[i - 1]);
  if (!Number.isFinite(step)) step = 60;
  const start = times[0];
  const n = Math.round((times[times.length - 1] - start) / step) + 1;
  const byHost = new Map<string, HostTrace>();
  for (const r of rows) {
    let h = byHost.get(r.host);
    if (!h) byHost.set(r.host, (h = { name: r.host, cpu: new Array(n).fill(NaN), mem: new Array(n).fill(NaN) }));
    const i = Math.round((r.t - start) / step);
    h.cpu[i] = r.cpu;
    h.mem[i] = r.mem;
  }
  return { start, stepSeconds: step, hosts: [...byHost.values()] };
}
