import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { VnfdModel } from './vnfd.types.ts';
import { VnfdError, type VnfdProblem } from './vnfd-error.ts';
import { loadVnfPackage } from './vnfd-package.ts';

/** A package folder that could not be used, and why. */
export interface InvalidVnfPackage {
  readonly packageDir: string;
  readonly problems: readonly VnfdProblem[];
}

/** The onboarded VNF packages, by vnfdId. */
export interface VnfPackageCatalogue {
  /** The VNFD with this descriptor_id, if a valid package has it. */
  get(vnfdId: string): VnfdModel | undefined;
  /** Every valid package, in folder name order. */
  list(): readonly VnfdModel[];
  /** Package folders that were skipped, each with its problems. */
  readonly invalid: readonly InvalidVnfPackage[];
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

/**
 * The package folders a directory gives: the directory itself when it is a package (it has
 * TOSCA-Metadata/ or Definitions/), otherwise each of its subfolders.
 */
async function packageFolders(dir: string): Promise<string[]> {
  if ((await isDirectory(join(dir, 'TOSCA-Metadata'))) || (await isDirectory(join(dir, 'Definitions')))) return [dir];
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => join(dir, e.name))
    .sort();
}

/**
 * Loads every package folder under `dirs`. An invalid package, a vnfdId given by two
 * packages (the later one) or a missing directory is recorded in `invalid`, never thrown:
 * one bad package does not take the others down.
 */
export async function createVnfPackageCatalogue(dirs: readonly string[]): Promise<VnfPackageCatalogue> {
  const byId = new Map<string, VnfdModel>();
  const invalid: InvalidVnfPackage[] = [];
  for (const dir of dirs.map((d) => resolve(d))) {
    if (!(await isDirectory(dir))) {
      invalid.push({ packageDir: dir, problems: [{ path: '', message: `${dir} is not a directory` }] });
      continue;
    }
    for (const packageDir of await packageFolders(dir)) {
      try {
        const vnfd = await loadVnfPackage(packageDir);
        const other = byId.get(vnfd.vnfdId);
        if (other) {
          invalid.push({
            packageDir,
            problems: [{ path: '', message: `vnfdId ${vnfd.vnfdId} is already provided by ${other.packageDir}` }],
          });
        } else {
          byId.set(vnfd.vnfdId, vnfd);
        }
      } catch (err) {
        if (err instanceof VnfdError) invalid.push({ packageDir, problems: err.problems });
        else invalid.push({ packageDir, problems: [{ path: '', message: `could not be read: ${(err as Error).message}` }] });
      }
    }
  }
  const all = [...byId.values()];
  return {
    get: (vnfdId) => byId.get(vnfdId),
    list: () => all,
    invalid,
  };
}
