/**
 * CPU time of the PostgreSQL server processes on this machine (Linux /proc), for the ingest
 * benchmark: on a 2-core machine the service, the database and the load generator share the
 * CPUs, so what a stored value costs the database is half of the story. Undefined when the
 * server is not local (no process named postgres) or /proc cannot be read.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ; 100 on every Linux build). */
const TICKS_PER_SECOND = 100;

/** CPU time (user + system, in clock ticks) of each process named `name`, by pid. */
export type CpuSnapshot = ReadonlyMap<string, number>;

export function processCpu(name = 'postgres'): CpuSnapshot | undefined {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return undefined;
  }
  const out = new Map<string, number>();
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    } catch {
      continue; // exited meanwhile
    }
    const open = stat.indexOf('(');
    const close = stat.lastIndexOf(')');
    if (stat.slice(open + 1, close) !== name) continue;
    const fields = stat.slice(close + 2).split(' ');
    // After "(comm) ": state is field 3 of stat(5), utime 14 and stime 15.
    out.set(pid, Number(fields[11]) + Number(fields[12]));
  }
  return out.size > 0 ? out : undefined;
}

/**
 * CPU used by the processes named `name` since `before`, in microseconds: per process, so that
 * one that ended meanwhile takes away nothing. Its time after `before` is missed, so this
 * is a lower bound; processes started meanwhile count whole.
 */
export function serverCpuSince(before: CpuSnapshot | undefined, name = 'postgres'): number | undefined {
  const after = processCpu(name);
  if (before === undefined || after === undefined) return undefined;
  let ticks = 0;
  for (const [pid, t] of after) ticks += Math.max(0, t - (before.get(pid) ?? 0));
  return (ticks / TICKS_PER_SECOND) * 1e6;
}
