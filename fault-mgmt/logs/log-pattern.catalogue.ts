/**
 * The pattern catalogue: log message bodies -> typed events. Pure.
 *
 * Patterns are unanchored regular expressions matched on the message BODY, so the same
 * pattern finds a line whatever prefix the producer put in front of it (srsEPC's
 * `2021-06-05T00:01:23.595575 [NAS    ] [I] `, Open5GS's `06/05 00:01:23.595: [amf] WARNING: `,
 * a syslog header the receiver has already stripped). The first matching pattern wins;
 * built-ins come before the operator's patterns, so a custom pattern cannot re-type a
 * built-in event by accident. Named capture groups become the event's attrs.
 */

/** Longest body the patterns see; longer lines are cut first so a regex's time stays bounded. */
export const MAX_MATCHED_CHARS = 8192;

/** Event types, built-in or custom: lower snake case (the query API's `events:<type>`). */
export const EVENT_TYPE_RE = /^[a-z][a-z0-9_]*$/;

export interface LogPattern {
  readonly type: string;
  readonly regex: RegExp;
  /** Where the pattern comes from: `built-in` or `<file> entry <n>`; for messages and docs. */
  readonly origin: string;
}

export interface LogMatch {
  readonly type: string;
  readonly attrs: Readonly<Record<string, string>>;
}

export interface PatternCatalogue {
  readonly patterns: readonly LogPattern[];
  /** The event a message body denotes, or undefined when no pattern matches. */
  match(message: string): LogMatch | undefined;
}

/**
 * Built-in patterns. The srsEPC texts are those of srsRAN 4G's MME (nas.cc, mme_gtpc.cc,
 * s1ap.cc); the Open5GS ones of its AMF/MME and lib/sctp; the OOM ones of
 * mm/oom_kill.c (`Killed process` since Linux 5.1, `Kill process ... or sacrifice child` before).
 */
export const BUILT_IN_PATTERNS: readonly LogPattern[] = [
  // srsEPC NAS: paging timer T3413 expired without a Service Request (TS 24.301 10.2).
  { type: 'paging_timeout', regex: /T3413 expired -- Could not page the ue\./, origin: 'built-in' },
  // Open5GS: paging retransmissions exhausted.
  { type: 'paging_timeout', regex: /Paging to IMSI\[(?<imsi>[^\]]{0,32})\] failed\. Stop paging/, origin: 'built-in' },
  // srsEPC MME GTPC, the same paging failure seen from the S11 side (TS 29.274 7.2.11.3).
  {
    type: 'ddn_failure',
    regex: /Downlink Data Notification Failure Indication(?:[^\n]{0,200}?\bteid[ :=]+(?<teid>(?:0x)?[0-9A-Fa-f]{1,16})\b)?/,
    origin: 'built-in',
  },
  // srsEPC S1AP: the SCTP association to the eNB is gone (EPIPE); real lines end in a space.
  { type: 's1ap_broken_pipe', regex: /Failed to send S1AP PDU\. Error: Broken pipe/, origin: 'built-in' },
  // Open5GS lib/sctp: ogs_sctp_sendmsg(...) failed (32:Broken pipe).
  { type: 's1ap_broken_pipe', regex: /\(32:Broken pipe\)/, origin: 'built-in' },
  // Kernel OOM killer, both forms; `Memory cgroup out of memory:` is the cgroup variant.
  {
    type: 'oom_kill',
    regex: /(?:Out|Memory cgroup out) of memory: Kill(?:ed)? process (?<pid>\d{1,10}) \((?<process>[^)\n]{0,64})\)/,
    origin: 'built-in',
  },
];

/** A catalogue over `patterns` (in order). */
export function createPatternCatalogue(patterns: readonly LogPattern[]): PatternCatalogue {
  const list = Object.freeze([...patterns]);
  return {
    patterns: list,
    match(message: string): LogMatch | undefined {
      const body = message.length > MAX_MATCHED_CHARS ? message.slice(0, MAX_MATCHED_CHARS) : message;
      for (const p of list) {
        const m = p.regex.exec(body);
        if (!m) continue;
        const attrs: Record<string, string> = {};
        for (const [name, value] of Object.entries(m.groups ?? {})) if (value !== undefined) attrs[name] = value;
        return { type: p.type, attrs };
      }
      return undefined;
    },
  };
}

export interface PatternEntryProblem {
  readonly index: number;
  readonly reason: string;
}

/** Flags a custom pattern may use; `g` and `y` are refused (they make `exec` stateful). */
const ALLOWED_FLAGS = /^[imsu]*$/;

/**
 * Validates the entries of a patterns file (already parsed YAML) into patterns. Pure:
 * returns the patterns or the problems, each naming the entry (1-based, as an operator
 * counts list items) and its type when it has one.
 */
export function compileCustomPatterns(
  doc: unknown,
  origin: string,
): { patterns: LogPattern[]; problems: PatternEntryProblem[] } {
  const patterns: LogPattern[] = [];
  const problems: PatternEntryProblem[] = [];
  if (doc === null || doc === undefined) return { patterns, problems };
  const entries = Array.isArray(doc) ? doc : (doc as { patterns?: unknown })?.patterns;
  if (!Array.isArray(entries)) {
    problems.push({ index: 0, reason: 'expected a list of {type, regex, flags?} (or a mapping with key `patterns`)' });
    return { patterns, problems };
  }
  entries.forEach((entry: unknown, i) => {
    const n = i + 1;
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
      problems.push({ index: n, reason: 'expected a mapping {type, regex, flags?}' });
      return;
    }
    const { type, regex, flags, ...rest } = entry as Record<string, unknown>;
    const fail = (reason: string) => {
      problems.push({ index: n, reason: typeof type === 'string' && EVENT_TYPE_RE.test(type) ? `type ${type}: ${reason}` : reason });
    };
    const unknown = Object.keys(rest);
    if (unknown.length > 0) return fail(`unknown key(s) ${unknown.join(', ')}; allowed: type, regex, flags`);
    if (typeof type !== 'string' || !EVENT_TYPE_RE.test(type)) {
      return fail(`type must match [a-z][a-z0-9_]*, got ${JSON.stringify(type)}`);
    }
    if (typeof regex !== 'string' || regex.length === 0) return fail('regex must be a non-empty string');
    if (flags !== undefined && (typeof flags !== 'string' || !ALLOWED_FLAGS.test(flags))) {
      return fail(`flags may only contain i, m, s, u; got ${JSON.stringify(flags)}`);
    }
    let compiled: RegExp;
    try {
      compiled = new RegExp(regex, (flags as string | undefined) ?? '');
    } catch (err) {
      return fail(`regex does not compile: ${(err as Error).message}`);
    }
    if (compiled.test('')) return fail('regex matches the empty string, so it would match every line');
    patterns.push({ type, regex: compiled, origin: `${origin} entry ${n}` });
  });
  return { patterns, problems };
}
