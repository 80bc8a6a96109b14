import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../../platform/config/config.ts';
export type { LogMatch, LogPattern, PatternCatalogue } from './log-pattern.catalogue.ts';
import { BUILT_IN_PATTERNS, compileCustomPatterns, createPatternCatalogue, type PatternCatalogue } from './log-pattern.catalogue.ts';

/**
 * The built-in patterns plus those of the operator's YAML file (MONITORING_PATTERNS_FILE):
 *
 *   - type: sctp_shutdown
 *     regex: 'SCTP SHUTDOWN from eNB (?<enb>\S+)'
 *     flags: i        # optional: i, m, s, u
 *
 * Throws a ConfigError naming the file and every bad entry, so start-up stops with a
 * message the operator can act on instead of silently dropping a pattern.
 */
export function loadPatternCatalogue(file?: string): PatternCatalogue {
  if (!file) return createPatternCatalogue(BUILT_IN_PATTERNS);
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`log patterns file ${file}: cannot read it: ${(err as Error).message}`);
  }
  const { patterns, problems } = compileCustomPatterns(doc, file);
  if (problems.length > 0) {
    const lines = problems.map((p) => (p.index > 0 ? `entry ${p.index}: ${p.reason}` : p.reason));
    throw new ConfigError(`log patterns file ${file}: ${lines.join('; ')}`);
  }
  return createPatternCatalogue([...BUILT_IN_PATTERNS, ...patterns]);
}
