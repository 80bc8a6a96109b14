import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { VnfdProblems } from './vnfd-error.ts';

/** Keys and list indices from the document root to a value. */
export type YamlPath = readonly (string | number)[];

/** One parsed YAML file of a package, keeping positions so problems can name their line. */
export interface DefinitionFile {
  /** Path relative to the package folder, with `/` separators. */
  readonly relPath: string;
  /** The document as plain data (YAML 1.2 core schema). */
  readonly data: unknown;
  /** 1-based line of the value at `path`, or of its closest existing parent. */
  lineOf(path: YamlPath): number | undefined;
}

const PLAIN_KEY = /^[A-Za-z0-9_-]+$/;

/** `topology_template.policies[2].mme_migration.properties`; odd keys as `["a.b"]`. */
export function formatYamlPath(path: YamlPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (PLAIN_KEY.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** `Definitions/x.yaml#a.b`, or the file alone for the whole file. */
export function locate(relPath: string, path: YamlPath = []): string {
  return path.length === 0 ? relPath : `${relPath}#${formatYamlPath(path)}`;
}

function lineFinder(root: Node | null, counter: LineCounter): (path: YamlPath) => number | undefined {
  const lineAt = (offset: number | undefined) => (offset === undefined ? undefined : counter.linePos(offset).line);
  return (path) => {
    let node: unknown = root;
    let line = lineAt((root as Node | null)?.range?.[0]);
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) return line;
        line = lineAt((pair.key as Node).range?.[0]) ?? line;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
        node = node.items[seg];
        line = lineAt((node as Node | null)?.range?.[0]) ?? line;
      } else {
        return line;
      }
    }
    return line;
  };
}

/**
 * Parses one package file. YAML errors (syntax, duplicate keys, several documents) are
 * added to `problems` with their line and the file is left out (undefined).
 */
export function parseDefinitionFile(relPath: string, text: string, problems: VnfdProblems): DefinitionFile | undefined {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    for (const err of doc.errors) {
      const line = err.linePos?.[0]?.line;
      problems.add(relPath, `not valid YAML: ${err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`, line);
    }
    return undefined;
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    problems.add(relPath, `not valid YAML: ${(err as Error).message}`);
    return undefined;
  }
  return { relPath, data, lineOf: lineFinder(doc.contents as Node | null, counter) };
}
