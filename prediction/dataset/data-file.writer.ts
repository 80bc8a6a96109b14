/** Writes a Trace in the dataset's data.txt format, so that parseDataFile reads it back. */
import { DATASET_UTC_OFFSET_HOURS } from './data-file.parser.ts';
import type { Trace } from './trace.ts';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Epoch seconds UTC to the dataset's local `YYYY-MM-DD HH:MM:SS.ffffff`. */
export function formatLocalTime(epochSeconds: number, utcOffsetHours = DATASET_UTC_OFFSET_HOURS): string {
  // Integer microseconds first: splitting the float would turn .5 into .499999.
  const micros = Math.round((epochSeconds + utcOffsetHours * 3600) * 1e6);
  const ms = Math.floor(micros / 1000);
  const d = new Date(ms);
  const frac = micros - Math.floor(micros / 1e6) * 1e6;
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(frac, 6)}`
  );
}

/** Percentages as the dataset writes them (`48.0`); other values unchanged. */
function value(v: number): string {
  return Number.isInteger(v) ? v.toFixed(1) : String(v);
}

export interface DataFileWriteOptions {
  utcOffsetHours?: number;
}

/**
 * One line per row, `\n` endings. An 8th column (OOM kills) is written only when some row
 * has kills, so traces without them stay byte-compatible with the dataset's format.
 */
export function toDataFile(trace: Trace, options: DataFileWriteOptions = {}): string {
  const offset = options.utcOffsetHours ?? DATASET_UTC_OFFSET_HOURS;
  const withOom = trace.rows.some((r) => r.oom > 0);
  return trace.rows
    .map((r) => {
      const cols = [
        String(r.scenarioSeconds ?? 0),
        formatLocalTime(r.time, offset),
        value(r.cpu),
        value(r.mem),
        value(r.swap),
        String(r.paging),
        String(r.failure),
      ];
      if (withOom) cols.push(String(r.oom));
      return cols.join('\t') + '\n';
    })
    .join('');
}
