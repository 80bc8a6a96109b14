/**
 * Parser for files in the vEPC paging-failure dataset's `data.txt` format
 * (../shared/datasets/vepc-paging-failure/README.md, table "data.txt"):
 * tab-separated, no header, one row per monitoring interval:
 *   0 scenario stress period (s) | 1 local time `YYYY-MM-DD HH:MM:SS[.ffffff]` | 2 cpu % |
 *   3 mem % | 4 swap % | 5 T3413 paging-failure count | 6 failure label 0/1 [| 7 OOM kills].
 * Column 7 is this project's optional extension (the dataset has none); absent means 0.
 */
import { UnprocessableEntity } from '../../platform/http/problem-details.ts';
import type { Trace, TraceRow } from './trace.ts';

/** The dataset's times are local UTC+9 while its raw log epochs are UTC (dataset README). */
export const DATASET_UTC_OFFSET_HOURS = 9;

export interface DataFileOptions {
  /** Offset of the file's local times from UTC, hours (default +9, the dataset's). */
  utcOffsetHours?: number;
  /** File name used in error messages and kept as `trace.source`. */
  source?: string;
}

/** A malformed line: `line` is 1-based, as an editor shows it. */
export class DataFileError extends UnprocessableEntity {
  constructor(
    readonly source: string,
    readonly line: number,
    reason: string,
  ) {
    super(`${source} line ${line}: ${reason}`);
  }
}

const TIME_RE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;
const MIN_COLUMNS = 7;
const MAX_COLUMNS = 8;

/**
 * Local wall-clock time to epoch seconds UTC; undefined when malformed or not a real date.
 * Fractions are kept to the microsecond (the dataset writes six digits).
 */
export function parseLocalTime(text: string, utcOffsetHours = DATASET_UTC_OFFSET_HOURS): number | undefined {
  const m = TIME_RE.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  // Date.UTC rolls 2021-02-30 over to March: reject instead of silently shifting.
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  const micros = m[7] ? Math.round(Number(`0.${m[7]}`) * 1e6) : 0;
  return (ms * 1000 + micros) / 1e6 - utcOffsetHours * 3600;
}

function number(source: string, line: number, field: string, text: string): number {
  const v = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(v)) throw new DataFileError(source, line, `${field} is not a number: ${JSON.stringify(text)}`);
  if (v < 0) throw new DataFileError(source, line, `${field} is negative: ${text}`);
  return v;
}

/** Parse one data line (without its line break); `line` is 1-based for messages. */
export function parseDataLine(text: string, line: number, options: DataFileOptions = {}): TraceRow {
  const source = options.source ?? 'data file';
  const cols = text.split('\t');
  if (cols.length < MIN_COLUMNS || cols.length > MAX_COLUMNS) {
    throw new DataFileError(
      source,
      line,
      `expected ${MIN_COLUMNS} tab-separated columns (scenario, time, cpu, mem, swap, paging, failure), got ${cols.length}`,
    );
  }
  const scenarioSeconds = number(source, line, 'column 1 (scenario seconds)', cols[0]);
  const time = parseLocalTime(cols[1].trim(), options.utcOffsetHours ?? DATASET_UTC_OFFSET_HOURS);
  if (time === undefined) {
    throw new DataFileError(source, line, `column 2 is not a time YYYY-MM-DD HH:MM:SS.ffffff: ${JSON.stringify(cols[1])}`);
  }
  const cpu = number(source, line, 'column 3 (cpu %)', cols[2]);
  const mem = number(source, line, 'column 4 (memory %)', cols[3]);
  const swap = number(source, line, 'column 5 (swap %)', cols[4]);
  const paging = number(source, line, 'column 6 (paging failures)', cols[5]);
  const label = number(source, line, 'column 7 (failure label)', cols[6]);
  if (label !== 0 && label !== 1) throw new DataFileError(source, line, `column 7 (failure label) must be 0 or 1, got ${cols[6]}`);
  const oom = cols.length > MIN_COLUMNS ? number(source, line, 'column 8 (OOM kills)', cols[7]) : 0;
  return { time, cpu, mem, swap, paging, oom, failure: label as 0 | 1, scenarioSeconds };
}

/**
 * Parse a whole file. Tolerates CRLF, a UTF-8 BOM, blank lines and `#` comment lines;
 * rejects times that go backwards (durations would turn negative). Throws DataFileError
 * naming the first bad line.
 */
export function parseDataFile(text: string, options: DataFileOptions = {}): Trace {
  const source = options.source ?? 'data file';
  const rows: TraceRow[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].replace(/\r$/, '');
    if (raw.trim() === '' || raw.startsWith('#')) continue;
    const row = parseDataLine(raw.replace(/[ \t]+$/, ''), i + 1, { ...options, source });
    const prev = rows[rows.length - 1];
    if (prev && row.time < prev.time) {
      throw new DataFileError(source, i + 1, `time ${JSON.stringify(raw.split('\t')[1])} is earlier than the previous row's`);
    }
    rows.push(row);
  }
  if (rows.length === 0) throw new DataFileError(source, lines.length, 'no data rows');
  return { rows, source };
}
