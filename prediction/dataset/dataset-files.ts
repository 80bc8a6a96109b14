/** File-system access to dataset-format files; the parsing itself is pure (data-file.parser.ts). */
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDataFile, type DataFileOptions } from './data-file.parser.ts';
import { parseEpcLog, type EpcLogEvent } from './epc-log.parser.ts';
import type { Trace } from './trace.ts';

export async function loadDataFile(file: string, options: Omit<DataFileOptions, 'source'> = {}): Promise<Trace> {
  const text = await readFile(file, 'utf8');
  return parseDataFile(text, { ...options, source: path.basename(file) });
}

/** Every `*.log` in the directory, merged and sorted by time. */
export async function loadEpcLogDir(dir: string): Promise<EpcLogEvent[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.log')).sort();
  const events: EpcLogEvent[] = [];
  for (const name of names) events.push(...parseEpcLog(await readFile(path.join(dir, name), 'utf8')));
  return events.sort((a, b) => a.time - b.time);
}

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The shared dataset folder (`../shared/datasets/vepc-paging-failure` beside the repository), if present. */
export function sharedDatasetDir(repoRoot = REPO_ROOT): string | undefined {
  const dir = path.resolve(repoRoot, '..', 'shared', 'datasets', 'vepc-paging-failure');
  return existsSync(path.join(dir, 'data.txt')) ? dir : undefined;
}
