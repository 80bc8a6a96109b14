/**
 * File IO for TensorFlow.js layers models without tfjs-node (whose file:// handler needs the
 * native addon): model.json in the standard layers format with one weights.bin beside it, so
 * `tf.loadLayersModel('file://...')` under tfjs-node reads the same directory.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LayersModel, io } from '@tensorflow/tfjs';
import { validateModelMeta } from '../registry/model-port.ts';
import type { Tf } from './tf-backend.ts';

const WEIGHTS_FILE = 'weights.bin';

function joinBuffers(data: ArrayBuffer | ArrayBuffer[]): Uint8Array {
  const parts = Array.isArray(data) ? data : [data];
  const total = parts.reduce((s, p) => s + p.byteLength, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p), at);
    at += p.byteLength;
  }
  return out;
}

/** Writes a file through a temporary sibling and a rename, so a reader never sees half of it. */
async function writeAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}

export async function writeLayersModel(model: LayersModel, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const handler: io.IOHandler = {
    async save(artifacts) {
      const weights = artifacts.weightData ? joinBuffers(artifacts.weightData as ArrayBuffer | ArrayBuffer[]) : new Uint8Array();
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
      };
      await writeAtomic(path.join(dir, WEIGHTS_FILE), weights);
      await writeAtomic(path.join(dir, 'model.json'), JSON.stringify(modelJson));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.byteLength } };
    },
  };
  await model.save(handler);
}

interface ModelJson {
  modelTopology: object;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  weightsManifest: { paths: string[]; weights: io.WeightsManifestEntry[] }[];
}

export async function readLayersModel(tf: Tf, dir: string): Promise<LayersModel> {
  const file = path.join(dir, 'model.json');
  const json = JSON.parse(await readFile(file, 'utf8')) as ModelJson;
  if (!json.modelTopology || !Array.isArray(json.weightsManifest)) throw new Error(`${file} is not a TensorFlow.js layers model`);
  const specs: io.WeightsManifestEntry[] = [];
  const buffers: Uint8Array[] = [];
  for (const group of json.weightsManifest) {
    specs.push(...group.weights);
    for (const p of group.paths) {
      const resolved = path.resolve(dir, p);
      if (path.relative(dir, resolved).startsWith('..')) throw new Error(`${file} names a weight file outside ${dir}: ${p}`);
      buffers.push(await readFile(resolved));
    }
  }
  const joined = joinBuffers(buffers.map((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer));
  const handler: io.IOHandler = {
    async load() {
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy ?? undefined,
        weightSpecs: specs,
        weightData: joined.buffer as ArrayBuffer,
      };
    },
  };
  return tf.loadLayersModel(handler);
}

export async function writeMeta(dir: string, meta: object): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeAtomic(path.join(dir, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
}

export async function readMeta(dir: string): Promise<Record<string, unknown>> {
  const file = path.join(dir, 'meta.json');
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new Error(err.code === 'ENOENT' ? `no model in ${dir}: ${file} does not exist` : `cannot read ${file}: ${err.message}`);
  });
  const v = JSON.parse(text) as unknown;
  // The same checks the model registry applies (id, horizon, window, features, scaler, thresholds).
  validateModelMeta(v, file);
  return v as Record<string, unknown>;
}
