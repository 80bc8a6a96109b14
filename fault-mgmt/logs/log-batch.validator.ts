import { BadRequest, InvalidBatch, type InvalidEntry } from '../../platform/http/problem-details.ts';
import type { GivenEntity } from './log-event.factory.ts';

/**
 * POST /logs body: validated whole before anything is written. Pure.
 *
 * { batchId?, source?, host?, vm?, vnfInstanceId?, vnfcInstanceId?,
 *   lines: [{ time, message, host?, vm?, vnfInstanceId?, vnfcInstanceId? }] }
 */

export const MAX_LINES = 100_000;
export const MAX_MESSAGE_CHARS = 8192;
const MAX_NAME_CHARS = 255;
const MAX_BATCH_ID_CHARS = 200;
/** 2000-01-01T00:00:00Z: older times are a sender's clock or unit mistake. */
export const MIN_TIME = 946_684_800;
const SOURCE_RE = /^[a-z][a-z0-9_.:-]{0,63}$/;
/** RFC 3339 date-time (ISO 8601 profile) with a mandatory zone: a zone-less time is ambiguous. */
const ISO_RE = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})$/;
const ENTITY_KEYS = ['host', 'vm', 'vnfInstanceId', 'vnfcInstanceId'] as const;
/** ProblemDetails lists at most this many invalid entries. */
const MAX_REPORTED = 20;


/** 400 whose ProblemDetails carries `invalidEntries` (the first 20) and `invalidCount`. */
export class InvalidLogBatch extends InvalidBatch {
  constructor(entries: readonly InvalidEntry[], total: number) {
    super('log line', entries, total);
  }
}

export interface LogLine {
  readonly time: number;
  readonly message: string;
  readonly entity: GivenEntity;
}

export interface LogBatch {
  readonly batchId?: string;
  readonly source: string;
  readonly lines: readonly LogLine[];
}

/** Epoch seconds of a line's `time` (number of seconds, or an ISO 8601 string), or the reason it is not one. */
export function timeOf(value: unknown): number | string {
  if (typeof value === 'number') return Number.isFinite(value) ? value : 'time is not a finite number';
  if (typeof value !== 'string') return 'time must be epoch seconds (number) or an ISO 8601 string';
  if (!ISO_RE.test(value)) return 'time is not an ISO 8601 date-time with a zone (Z or +hh:mm)';
  const ms = Date.parse(value.replace(' ', 'T').replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(ms) ? 'time is not a valid date' : ms / 1000 + fractionBeyondMs(value);
}

function fractionBeyondMs(iso: string): number {
  const m = /\.\d{3}(\d+)/.exec(iso);
  return m ? Number(`0.000${m[1]}`) : 0;
}

function entityFields(o: Record<string, unknown>, where: string): GivenEntity | string {
  const e: Record<string, string> = {};
  for (const k of ENTITY_KEYS) {
    const v = o[k];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string' || v.length === 0 || v.length > MAX_NAME_CHARS || /[\x00-\x1f]/.test(v)) {
      return `${where}${k} must be a non-empty string of at most ${MAX_NAME_CHARS} characters`;
    }
    e[k] = v;
  }
  return e;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The batch, or throws InvalidLogBatch / BadRequest. `now` in epoch seconds. */
export function validateLogBatch(body: unknown, now: number, maxFutureSeconds: number): LogBatch {
  if (!isRecord(body)) throw new BadRequest('Body must be a JSON object with a `lines` array.');
  const { batchId, source = 'log', lines } = body;
  if (batchId !== undefined && (typeof batchId !== 'string' || batchId.length === 0 || batchId.length > MAX_BATCH_ID_CHARS)) {
    throw new BadRequest(`batchId must be a non-empty string of at most ${MAX_BATCH_ID_CHARS} characters.`);
  }
  if (typeof source !== 'string' || !SOURCE_RE.test(source)) {
    throw new BadRequest('source must match [a-z][a-z0-9_.:-]* (at most 64 characters).');
  }
  const batchEntity = entityFields(body, '');
  if (typeof batchEntity === 'string') throw new BadRequest(`${batchEntity}.`);
  if (!Array.isArray(lines)) throw new BadRequest('lines must be an array.');
  if (lines.length > MAX_LINES) throw new BadRequest(`lines holds ${lines.length} entries; at most ${MAX_LINES} per request.`);
  const maxTime = now + maxFutureSeconds;
  const invalid: InvalidEntry[] = [];
  let invalidCount = 0;
  const out: LogLine[] = [];
  const reject = (index: number, reason: string) => {
    invalidCount++;
    if (invalid.length < MAX_REPORTED) invalid.push({ index, reason });
  };
  for (let i = 0; i < lines.length; i++) {
    const line: unknown = lines[i];
    if (!isRecord(line)) {
      reject(i, 'line must be an object {time, message}');
      continue;
    }
    const time = timeOf(line.time);
    if (typeof time === 'string') {
      reject(i, time);
      continue;
    }
    if (time < MIN_TIME || time > maxTime) {
      reject(i, `time ${time} is outside 2000-01-01 .. now + ${maxFutureSeconds} s`);
      continue;
    }
    if (typeof line.message !== 'string') {
      reject(i, 'message must be a string');
      continue;
    }
    if (line.message.length > MAX_MESSAGE_CHARS) {
      reject(i, `message longer than ${MAX_MESSAGE_CHARS} characters`);
      continue;
    }
    const own = entityFields(line, '');
    if (typeof own === 'string') {
      reject(i, own);
      continue;
    }
    // The line's own names, when it has any, replace the body's as a whole (never mixed).
    const entity = Object.keys(own).length > 0 ? own : batchEntity;
    if (entity.host === undefined && entity.vm === undefined && entity.vnfInstanceId === undefined) {
      reject(i, 'no entity: give host, vm or vnfInstanceId on the line or the body');
      continue;
    }
    out.push({ time, message: line.message, entity });
  }
  if (invalidCount > 0) {
    throw new InvalidLogBatch(invalid, invalidCount);
  }
  return { batchId, source, lines: out };
}
