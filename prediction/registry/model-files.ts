/** A model directory on disk: meta.json, model.json and the weight files model.json names. */
import { randomBytes } from 'node:crypto';
import { access, cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { validateModelMeta, type ScoringModelMeta } from './model-port.ts';
import type { ModelFile } from './model.repository.ts';

export class InvalidModelDirectory extends Error {
  override readonly name = 'InvalidModelDirectory';
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new InvalidModelDirectory(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InvalidModelDirectory(`${file} is not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * Reads and checks a model directory: meta.json (the fields scoring needs), model.json
 * (TensorFlow.js layers format) and every weight file its weightsManifest lists.
 */
export async function readModelDirectory(dir: string): Promise<ScoringModelMeta & Record<string, unknown>> {
  const meta = validateModelMeta(await readJson(path.join(dir, 'meta.json')), path.join(dir, 'meta.json'));
  const topology = (await readJson(path.join(dir, 'model.json'))) as { weightsManifest?: { paths?: unknown }[] } | null;
  const manifest = topology?.weightsManifest ?? [];
  if (!Array.isArray(manifest)) throw new InvalidModelDirectory(`${path.join(dir, 'model.json')}: weightsManifest must be a list`);
  for (const group of manifest) {
    for (const p of Array.isArray(group?.paths) ? group.paths : []) {
      const file = path.resolve(dir, String(p));
      if (path.relative(dir, file).startsWith('..')) throw new InvalidModelDirectory(`model.json names a weight file outside ${dir}: ${p}`);
      await access(file).catch(() => {
        throw new InvalidModelDirectory(`weight file ${file} named in model.json is missing`);
      });
    }
  }
  return meta as ScoringModelMeta & Record<string, unknown>;
}

/**
 * Copies `from` to `to` through a temporary sibling and a rename, so `to` never holds half a
 * model. A directory already at `to` (left by an attempt that did not reach the database) is replaced.
 */
export async function copyModelDirectory(from: string, to: string): Promise<void> {
  if (path.resolve(from) === path.resolve(to)) return;
  await mkdir(path.dirname(to), { recursive: true });
  const tmp = `${to}.tmp-${randomBytes(4).toString('hex')}`;
  try {
    await cp(from, tmp, { recursive: true, errorOnExist: true, force: false });
    await rm(to, { recursive: true, force: true });
    await rename(tmp, to);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Every file under `dir`, with its '/'-separated relative name. */
export async function readModelFiles(dir: string): Promise<ModelFile[]> {
  const names = (await readdir(dir, { recursive: true })).map(String).sort();
  const files: ModelFile[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    if ((await stat(file)).isFile()) files.push({ name: name.split(path.sep).join('/'), content: await readFile(file) });
  }
  return files;
}

/** Writes the files as directory `to`, through a temporary sibling and a rename. */
export async function writeModelFiles(files: readonly ModelFile[], to: string): Promise<void> {
  const tmp = `${to}.tmp-${randomBytes(4).toString('hex')}`;
  try {
    for (const f of files) {
      const file = path.resolve(tmp, f.name);
      if (path.relative(tmp, file).startsWith('..')) throw new InvalidModelDirectory(`stored model file name ${f.name} leaves the model directory`);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, f.content);
    }
    await rm(to, { recursive: true, force: true });
    await rename(tmp, to);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** True when `dir` holds a meta.json. */
export function hasModel(dir: string): Promise<boolean> {
  return access(path.join(dir, 'meta.json')).then(
    () => true,
    () => false,
  );
}
