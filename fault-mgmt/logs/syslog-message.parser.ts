/**
 * Syslog messages, RFC 5424 and RFC 3164 (BSD), parsed into plain data. Pure: the
 * current time is an argument (RFC 3164 timestamps have no year). Anything that is not
 * a syslog message comes back as `{ ok: false, error }`, never as an exception.
 */

export interface SdElement {
  readonly id: string;
  readonly params: readonly (readonly [string, string])[];
}

export interface SyslogMessage {
  readonly format: 'rfc5424' | 'rfc3164';
  readonly facility: number;
  readonly severity: number;
  /** Epoch seconds; undefined when the sender gave none (RFC 5424 NILVALUE, lenient 3164). */
  readonly time?: number;
  readonly hostname?: string;
  readonly appName?: string;
  readonly procId?: string;
  readonly msgId?: string;
  readonly structuredData: readonly SdElement[];
  readonly message: string;
}

export type SyslogParseResult = { readonly ok: true; readonly msg: SyslogMessage } | { readonly ok: false; readonly error: string };

const fail = (error: string): SyslogParseResult => ({ ok: false, error });

// RFC 5424 6.2.1: PRI = "<" PRIVAL ">", PRIVAL 1-3 digits, 0..191 (facility * 8 + severity).
const PRI_RE = /^<(\d{1,3})>/;

/** Parses one syslog message (the frame's text, trailing LF/NUL already removed or not). */
export function parseSyslog(text: string, nowSeconds: number): SyslogParseResult {
  const line = text.replace(/[\r\n\0]+$/, '');
  const pri = PRI_RE.exec(line);
  if (!pri) return fail('no PRI: a syslog message starts with <0..191>');
  const prival = Number(pri[1]);
  if (prival > 191 || (pri[1].length > 1 && pri[1].startsWith('0'))) return fail(`invalid PRI <${pri[1]}>`);
  const head = { facility: prival >> 3, severity: prival & 7 };
  const rest = line.slice(pri[0].length);
  // RFC 5424 6.2.2: VERSION (1..999, only 1 defined) then SP; a 3164 message never has a digit+SP there.
  const version = /^([1-9]\d{0,2}) /.exec(rest);
  if (version) {
    if (version[1] !== '1') return fail(`unsupported syslog VERSION ${version[1]}`);
    return parse5424(rest.slice(version[0].length), head);
  }
  return parse3164(rest, head, nowSeconds);
}

// ---- RFC 5424 --------------------------------------------------------------------

// RFC 5424 6.2.3: FULL-DATE "T" FULL-TIME, TIME-SECFRAC up to 6 digits, TIME-OFFSET "Z" / +-hh:mm.
const TS_5424_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;

/** Epoch seconds of an RFC 3339 timestamp as RFC 5424 restricts it, or undefined. */
export function parseRfc5424Time(ts: string): number | undefined {
  const m = TS_5424_RE.exec(ts);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  const ms = Date.UTC(y, mo - 1, d, h, mi, Math.min(s, 59)); // leap second 60 -> :59 (RFC 3339 5.6)
  if (new Date(ms).getUTCDate() !== d) return undefined; // e.g. 2021-02-30
  let offset = 0;
  if (m[8] !== 'Z') {
    const oh = Number(m[8].slice(1, 3));
    const om = Number(m[8].slice(4, 6));
    if (oh > 23 || om > 59) return undefined;
    offset = (m[8][0] === '-' ? -1 : 1) * (oh * 3600 + om * 60);
  }
  return ms / 1000 + (m[7] ? Number(m[7]) : 0) - offset;
}

/** Reads a header field: PRINTUSASCII (33..126) up to `max` chars, or NILVALUE "-". */
function field(s: string, at: number, max: number): { value: string | undefined; next: number } | undefined {
  const sp = s.indexOf(' ', at);
  const end = sp < 0 ? s.length : sp;
  const tok = s.slice(at, end);
  if (tok.length === 0 || tok.length > max || !/^[\x21-\x7e]+$/.test(tok)) return undefined;
  return { value: tok === '-' ? undefined : tok, next: sp < 0 ? s.length : sp + 1 };
}

function parse5424(s: string, head: { facility: number; severity: number }): SyslogParseResult {
  // RFC 5424 6: TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP STRUCTURED-DATA [SP MSG]
  const limits: [string, number][] = [['TIMESTAMP', 32], ['HOSTNAME', 255], ['APP-NAME', 48], ['PROCID', 128], ['MSGID', 32]];
  const values: (string | undefined)[] = [];
  let at = 0;
  for (const [i, [name, max]] of limits.entries()) {
    const f = at < s.length ? field(s, at, max) : undefined;
    if (!f) return fail(`RFC 5424: invalid or missing ${name}`);
    if (f.next >= s.length) return fail(`RFC 5424: missing ${limits[i + 1]?.[0] ?? 'STRUCTURED-DATA'}`);
    values.push(f.value);
    at = f.next;
  }
  const [ts, hostname, appName, procId, msgId] = values;
  let time: number | undefined;
  if (ts !== undefined) {
    time = parseRfc5424Time(ts);
    if (time === undefined) return fail(`RFC 5424: invalid TIMESTAMP ${ts.slice(0, 40)}`);
  }
  const sd = parseStructuredData(s, at);
  if ('error' in sd) return fail(`RFC 5424: ${sd.error}`);
  let message = '';
  if (sd.next < s.length) {
    if (s[sd.next] !== ' ') return fail('RFC 5424: expected SP after STRUCTURED-DATA');
    message = s.slice(sd.next + 1);
  }
  if (message.startsWith('\ufeff')) message = message.slice(1); // 6.4: MSG-UTF8 starts with a BOM
  return {
    ok: true,
    msg: { format: 'rfc5424', ...head, time, hostname, appName, procId, msgId, structuredData: sd.elements, message },
  };
}

/** RFC 5424 6.3: "-" or 1*SD-ELEMENT; inside PARAM-VALUE, '"', '\' and ']' are escaped with '\'. */
function parseStructuredData(s: string, at: number): { elements: SdElement[]; next: number } | { error: string } {
  if (s[at] === '-' && (at + 1 === s.length || s[at + 1] === ' ')) return { elements: [], next: at + 1 };
  if (s[at] !== '[') return { error: 'STRUCTURED-DATA must be "-" or start with "["' };
  const elements: SdElement[] = [];
  let i = at;
  while (s[i] === '[') {
    const idm = /^[^\s="\]]{1,32}/.exec(s.slice(i + 1, i + 34));
    if (!idm) return { error: 'invalid SD-ID' };
    i += 1 + idm[0].length;
    const params: [string, string][] = [];
    while (s[i] === ' ') {
      const nm = /^([^\s="\]]{1,32})="/.exec(s.slice(i + 1, i + 36));
      if (!nm) return { error: `invalid SD-PARAM in [${idm[0]}]` };
      i += 1 + nm[0].length;
      let value = '';
      for (;;) {
        if (i >= s.length) return { error: `unterminated PARAM-VALUE in [${idm[0]}]` };
        const c = s[i];
        if (c === '"') break;
        if (c === '\\' && (s[i + 1] === '"' || s[i + 1] === '\\' || s[i + 1] === ']')) {
          value += s[i + 1];
          i += 2;
        } else {
          value += c; // a backslash before any other character is kept as is (6.3.3)
          i += 1;
        }
      }
      i += 1;
      params.push([nm[1], value]);
    }
    if (s[i] !== ']') return { error: `expected "]" closing [${idm[0]}]` };
    i += 1;
    elements.push({ id: idm[0], params });
  }
  return { elements, next: i };
}

// ---- RFC 3164 --------------------------------------------------------------------

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
// RFC 3164 4.1.2: "Mmm dd hh:mm:ss", the day space-padded ("Oct  1").
const TS_3164_RE = /^([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) /;
// Lenient: rsyslog's RSYSLOG_ForwardFormat and others put an RFC 3339 timestamp there.
const TS_ISO_RE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})) /;
// RFC 3164 4.1.3: TAG (alphanumeric, <= 32 chars), commonly followed by [pid], then ':'.
const TAG_RE = /^([^\s\[\]:]{1,48})(?:\[([^\]\s]{1,128})\])?:(?: |$)/;

/** Leeway for a sender's clock or time zone before a year-less time counts as last year's. */
const YEAR_INFERENCE_LEEWAY_S = 86_400;

/**
 * Epoch seconds of a year-less 3164 time, taken as UTC (the RFC carries no zone): this
 * year's, unless that is more than a day ahead of `now`, then last year's (4.3.2).
 */
export function inferRfc3164Time(month: number, day: number, h: number, mi: number, s: number, nowSeconds: number): number | undefined {
  if (month < 0 || day < 1 || day > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  const thisYear = new Date(nowSeconds * 1000).getUTCFullYear();
  for (const y of [thisYear, thisYear - 1, thisYear - 2, thisYear - 3]) {
    const ms = Date.UTC(y, month, day, h, mi, Math.min(s, 59));
    if (new Date(ms).getUTCDate() !== day) continue; // Feb 29 of a non-leap year
    if (ms / 1000 <= nowSeconds + YEAR_INFERENCE_LEEWAY_S) return ms / 1000;
  }
  return undefined;
}

function parse3164(s: string, head: { facility: number; severity: number }, nowSeconds: number): SyslogParseResult {
  let rest = s;
  let time: number | undefined;
  const bsd = TS_3164_RE.exec(rest);
  const iso = bsd ? null : TS_ISO_RE.exec(rest);
  if (bsd) {
    const month = MONTHS.indexOf(bsd[1]);
    time = inferRfc3164Time(month, Number(bsd[2].trim()), Number(bsd[3]), Number(bsd[4]), Number(bsd[5]), nowSeconds);
    if (time === undefined) return fail(`RFC 3164: invalid TIMESTAMP ${bsd[0].trim()}`);
    rest = rest.slice(bsd[0].length);
  } else if (iso) {
    time = parseRfc5424Time(iso[1].replace(/(\.\d{6})\d+/, '$1'));
    if (time === undefined) return fail(`RFC 3164: invalid TIMESTAMP ${iso[1]}`);
    rest = rest.slice(iso[0].length);
  }
  let hostname: string | undefined;
  // With a timestamp, the next word is the HOSTNAME unless it already is the TAG (local
  // senders such as /dev/log clients leave the hostname out).
  if (time !== undefined && !TAG_RE.test(rest)) {
    const sp = rest.indexOf(' ');
    const word = sp < 0 ? rest : rest.slice(0, sp);
    if (word.length > 0 && word.length <= 255 && /^[\x21-\x7e]+$/.test(word)) {
      hostname = word;
      rest = sp < 0 ? '' : rest.slice(sp + 1);
    }
  }
  let appName: string | undefined;
  let procId: string | undefined;
  const tag = TAG_RE.exec(rest);
  if (tag) {
    appName = tag[1];
    procId = tag[2];
    rest = rest.slice(tag[0].length);
  }
  if (time === undefined && !appName) return fail('neither an RFC 5424 nor an RFC 3164 header after the PRI');
  return {
    ok: true,
    msg: { format: 'rfc3164', ...head, time, hostname, appName, procId, structuredData: [], message: rest },
  };
}
