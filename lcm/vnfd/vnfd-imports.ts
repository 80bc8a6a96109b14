import { posix } from 'node:path';
import type { VnfdProblems } from './vnfd-error.ts';
import { ToscaValue } from './tosca-value.ts';
import { parseDefinitionFile, type DefinitionFile } from './yaml-file.ts';

/**
 * The ETSI SOL001 type files Tacker packages import by name. Their types are built in
 * (tosca-types.ts), so these imports are accepted without the files, and a copy shipped in
 * the package is not read.
 */
export const ETSI_SOL001_IMPORTS: ReadonlySet<string> = new Set([
  'etsi_nfv_sol001_common_types.yaml',
  'etsi_nfv_sol001_vnfd_types.yaml',
]);

const TOSCA_VERSIONS = ['tosca_simple_yaml_1_0', 'tosca_simple_yaml_1_1', 'tosca_simple_yaml_1_2', 'tosca_simple_yaml_1_3'];
const ETSI_FORGE = /^https?:\/\/forge\.etsi\.org\//;

/** The file an import definition names: `- x.yaml`, `- file: x.yaml` or `- name: {file: x.yaml}`. */
function importedFile(item: ToscaValue): string | undefined {
  if (typeof item.value === 'string') return item.value;
  if (!item.isMapping) return item.problem('must be a file name or an import definition with file');
  const keys = Object.keys(item.value as object);
  if (keys.includes('file')) return item.at('file').string({ required: true });
  if (keys.length === 1) {
    const named = item.at(keys[0]);
    return typeof named.value === 'string' ? named.value : named.at('file').string({ required: true });
  }
  return item.at('file').string({ required: true });
}

function isEtsiImport(name: string): boolean {
  const base = posix.basename(name);
  if (!ETSI_SOL001_IMPORTS.has(base)) return false;
  return ETSI_FORGE.test(name) || !name.includes('://');
}

/**
 * Reads the entry file and everything it imports, transitively, each file once (entry
 * first, then depth-first in import order). Imports are relative to the importing file and
 * must stay inside the package.
 */
export function loadDefinitions(
  files: ReadonlyMap<string, string>,
  entry: string,
  problems: VnfdProblems,
): DefinitionFile[] {
  const loaded: DefinitionFile[] = [];
  const seen = new Set<string>();

  const visit = (relPath: string): void => {
    if (seen.has(relPath)) return;
    seen.add(relPath);
    const file = parseDefinitionFile(relPath, files.get(relPath) ?? '', problems);
    if (!file) return;
    const root = ToscaValue.root(file, problems);
    if (!root.isMapping) {
      root.problem('must be a TOSCA service template (a mapping)');
      return;
    }
    root.at('tosca_definitions_version').oneOf(TOSCA_VERSIONS, { required: true });
    loaded.push(file);
    for (const item of root.at('imports').items()) {
      const name = importedFile(item);
      if (name === undefined || isEtsiImport(name)) continue;
      if (name.includes('://')) {
        item.problem(`unknown import ${name}: remote imports are not fetched; ship the file in the package`);
        continue;
      }
      const target = posix.normalize(posix.join(posix.dirname(relPath), name.replace(/\\/g, '/')));
      if (target.startsWith('../') || posix.isAbsolute(name)) {
        item.problem(`import ${name} points outside the package`);
      } else if (!files.has(target)) {
        item.problem(`unknown import ${name}: ${target} is not in the package and is not an ETSI SOL001 types file`);
      } else {
        visit(target);
      }
    }
  };

  visit(entry);
  return loaded;
}
