/**
 * RFC 3339 5.6 date-time parsing that keeps microseconds (PostgreSQL timestamptz
 * precision): Alertmanager sends Go times with nanoseconds (`...08.255021036Z`), and a
 * JavaScript Date would round them to milliseconds, so the same alert sent twice could
 * not be matched against the stored `starts_at`. Fractions are truncated to 6 digits.
 */
export interface Rfc3339Time {
  /** Epoch seconds with microsecond fraction. */
  readonly epochSeconds: number;
  /** The same instant in UTC, `YYYY-MM-DDTHH:MM:SS.ffffffZ`: what PostgreSQL stores exactly. */
  readonly iso: string;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,18}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** Go's zero time.Time, which Alertmanager sends as `endsAt` of an alert that has not ended. */
export const GO_ZERO_TIME_EPOCH = -62135596800;

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  return [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The instant, or undefined when `text` is not an RFC 3339 date-time in years 0001-9999 (UTC). */
export function parseRfc3339(text: string): Rfc3339Time | undefined {
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return undefined;
  // RFC 3339 5.7: a leap second (60) is allowed; it counts as the first second of the next minute.
  if (h > 23 || mi > 59 || s > 60) return undefined;
  let offset = 0;
  if (!m[8]) {
    const [oh, om] = [Number(m[10]), Number(m[11])];
    if (oh > 23 || om > 59) return undefined;
    offset = (m[9] === '-' ? -1 : 1) * (oh * 3600 + om * 60);
  }
  const whole = daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - offset;
  const year = new Date(whole * 1000).getUTCFullYear();
  if (year < 1 || year > 9999) return undefined;
  const micros = (m[7] ?? '').slice(0, 6).padEnd(6, '0');
  return {
    epochSeconds: whole + Number(micros) / 1e6,
    iso: `${new Date(whole * 1000).toISOString().slice(0, 19)}.${micros}Z`,
  };
}

/** True for Go's zero time, Alertmanager's "not set". */
export function isGoZeroTime(t: Rfc3339Time): boolean {
  return t.epochSeconds === GO_ZERO_TIME_EPOCH;
}
