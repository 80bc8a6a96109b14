import { posix } from 'node:path';
import type { VnfdProblems } from './vnfd-error.ts';
import { locate } from './yaml-file.ts';

export const TOSCA_META = 'TOSCA-Metadata/TOSCA.meta';

export interface ToscaMeta {
  /** Every `Name: value` of the first (block 0) section. */
  readonly entries: Readonly<Record<string, string>>;
  /** `Entry-Definitions`, normalised, relative to the package folder. */
  readonly entryDefinitions: string;
  /** 1-based line of each key, for problems. */
  readonly lines: Readonly<Record<string, number>>;
}

const LINE = /^([A-Za-z0-9][A-Za-z0-9_.-]*)\s*:\s*(.*)$/;

/**
 * SOL004 CSAR with a TOSCA-Metadata directory: block 0 of TOSCA.meta holds `Name: value` lines, among them
 * `Entry-Definitions`, the file the VNFD starts from. Later blocks (after a blank line)
 * describe artifacts and are not needed here.
 */
export function parseToscaMeta(text: string, problems: VnfdProblems): ToscaMeta | undefined {
  const entries: Record<string, string> = {};
  const lines: Record<string, number> = {};
  let ok = true;
  const rows = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (row.trim() === '') {
      if (Object.keys(entries).length > 0) break;
      continue;
    }
    if (row.startsWith('#')) continue;
    const m = LINE.exec(row.trim());
    if (!m) {
      problems.add(TOSCA_META, `line ${i + 1} is not "Name: value"`, i + 1);
      ok = false;
      continue;
    }
    if (m[1] in entries) {
      problems.add(locate(TOSCA_META, [m[1]]), `given twice (lines ${lines[m[1]]} and ${i + 1})`, i + 1);
      ok = false;
      continue;
    }
    entries[m[1]] = m[2].trim();
    lines[m[1]] = i + 1;
  }
  const entry = entries['Entry-Definitions'];
  if (entry === undefined || entry === '') {
    problems.add(locate(TOSCA_META, ['Entry-Definitions']), 'is required: the VNFD file the package starts from', lines['Entry-Definitions']);
    return undefined;
  }
  const normalised = posix.normalize(entry.replace(/\\/g, '/'));
  if (posix.isAbsolute(normalised) || normalised.startsWith('../') || !/\.ya?ml$/i.test(normalised)) {
    problems.add(locate(TOSCA_META, ['Entry-Definitions']), `must be a .yaml file inside the package, not "${entry}"`, lines['Entry-Definitions']);
    return undefined;
  }
  return ok ? { entries, entryDefinitions: normalised, lines } : undefined;
}
