import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { VnfdModel, VnfFlavour } from './vnfd.types.ts';
import { VnfdProblems } from './vnfd-error.ts';
import { readFlavour } from './vnfd-flavour.ts';
import { loadDefinitions } from './vnfd-imports.ts';
import { parseToscaMeta, TOSCA_META } from './tosca-meta.ts';
import { collectTypes } from './tosca-types.ts';
import { ToscaValue } from './tosca-value.ts';
import { readVnfNode, type VnfNodeInfo } from './vnfd-vnf-node.ts';
import { locate } from './yaml-file.ts';

/** Package files by path relative to the package folder (`/` separators): TOSCA.meta and YAML. */
export type VnfPackageFiles = ReadonlyMap<string, string>;

const IDENTITY: readonly [keyof VnfNodeInfo, string][] = [
  ['vnfdId', 'descriptor_id'],
  ['provider', 'provider'],
  ['productName', 'product_name'],
  ['softwareVersion', 'software_version'],
  ['descriptorVersion', 'descriptor_version'],
];

/**
 * Parses a Tacker-style VNF package (SOL004 CSAR with TOSCA-Metadata): TOSCA.meta names the
 * entry file, which imports the package's own types and one file per deployment flavour
 * (`substitution_mappings.properties.flavour_id`). Throws VnfdError (422) listing every
 * problem with its exact path.
 */
export function parseVnfPackage(files: VnfPackageFiles, packageDir: string): VnfdModel {
  const problems = new VnfdProblems();
  const metaText = files.get(TOSCA_META);
  if (metaText === undefined) {
    problems.add(TOSCA_META, 'is missing: a VNF package needs TOSCA-Metadata/TOSCA.meta naming its Entry-Definitions');
    problems.throwIfAny();
  }
  const meta = parseToscaMeta(metaText ?? '', problems);
  problems.throwIfAny();
  const entry = meta!.entryDefinitions;
  if (!files.has(entry)) {
    problems.add(locate(TOSCA_META, ['Entry-Definitions']), `${entry} is not in the package`, meta!.lines['Entry-Definitions']);
    problems.throwIfAny();
  }

  const definitions = loadDefinitions(files, entry, problems);
  const types = collectTypes(definitions, problems);
  const roots = definitions.map((d) => ToscaValue.root(d, problems));
  const isFlavourFile = (root: ToscaValue) => root.dig('topology_template', 'substitution_mappings').exists;
  const others = roots.filter((r) => !isFlavourFile(r));

  const flavours: VnfFlavour[] = [];
  const infos: { info: VnfNodeInfo; root: ToscaValue }[] = [];
  for (const root of roots.filter(isFlavourFile)) {
    const info = readVnfNode(root, others, types);
    if (!info) continue;
    const same = infos.find((f) => f.info.flavourId === info.flavourId);
    if (same) {
      root.dig('topology_template', 'substitution_mappings', 'properties', 'flavour_id').problem(
        `flavour ${info.flavourId} is already defined by ${same.root.file.relPath}`,
      );
      continue;
    }
    const first = infos[0]?.info;
    for (const [field, prop] of IDENTITY) {
      if (first && first[field] !== info[field]) {
        (info.sources[prop] ?? root).problem(
          `${prop} of flavour ${info.flavourId} is ${JSON.stringify(info[field])} but ${JSON.stringify(first[field])} for flavour ${first.flavourId}: one package describes one VNF`,
        );
      }
    }
    infos.push({ info, root });
    const flavour = readFlavour(root, info, types);
    if (flavour) flavours.push(flavour);
  }
  if (infos.length === 0 && problems.empty) {
    roots[0]?.at('topology_template').problem('no deployment flavour: no imported file has topology_template.substitution_mappings with properties.flavour_id');
  }
  problems.throwIfAny();

  const vnf = infos[0].info;
  return {
    vnfdId: vnf.vnfdId,
    provider: vnf.provider,
    productName: vnf.productName,
    softwareVersion: vnf.softwareVersion,
    descriptorVersion: vnf.descriptorVersion,
    vnfmInfo: vnf.vnfmInfo,
    flavours,
    packageDir,
  };
}

const MAX_FILE_BYTES = 4 * 1024 * 1024;
const MAX_DEPTH = 6;

/** Reads TOSCA-Metadata/TOSCA.meta and every YAML file of a package folder (not images or scripts). */
export async function readVnfPackageFiles(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (rel: string, depth: number): Promise<void> => {
    const entries = await readdir(join(dir, rel), { withFileTypes: true });
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name.startsWith('.')) continue;
      const relPath = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory() && depth < MAX_DEPTH) await walk(relPath, depth + 1);
      else if (e.isFile() && (relPath === TOSCA_META || /\.ya?ml$/i.test(e.name))) {
        if ((await stat(join(dir, relPath))).size <= MAX_FILE_BYTES) files.set(relPath, await readFile(join(dir, relPath), 'utf8'));
      }
    }
  };
  await walk('', 0);
  return files;
}

/** Reads and parses one package folder; throws VnfdError when it is not a valid VNF package. */
export async function loadVnfPackage(dir: string): Promise<VnfdModel> {
  return parseVnfPackage(await readVnfPackageFiles(dir), resolve(dir));
}
