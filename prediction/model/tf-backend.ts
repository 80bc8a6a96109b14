/**
 * TensorFlow.js backend choice, made once per process: tfjs-node when its
 * native addon is installed and loads, else the WebAssembly backend with its .wasm files read
 * from the installed @tensorflow/tfjs-backend-wasm package, else the pure-JS cpu backend.
 * tfjs-node is an optional dependency: a failed install leaves a package whose import throws,
 * so the import is tried, not assumed.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as TfModule from '@tensorflow/tfjs';

export type Tf = typeof TfModule;
export type TfBackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface TfHandle {
  tf: Tf;
  backend: TfBackendName;
}

export interface InitTfOptions {
  /** Force a backend (tests and benchmarks); default: the best one that loads. */
  prefer?: TfBackendName;
  /** Where the choice is reported; default one line on stderr. */
  log?: (message: string) => void;
}

let pending: Promise<TfHandle> | undefined;

const require = createRequire(import.meta.url);

/** The wasm package's dist folder as a file path ending in '/', where its .wasm files are. */
export function wasmDistDir(): string {
  return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
}

async function tryNode(note: (m: string) => void): Promise<TfHandle | undefined> {
  try {
    // Resolved at run time so that a missing optional package is not a type or load error.
    const name = '@tensorflow/tfjs-node';
    const tf = (await import(name)) as Tf;
    if (await tf.setBackend('tensorflow')) {
      await tf.ready();
      return { tf, backend: 'tensorflow' };
    }
  } catch (err) {
    note(`tfjs-node not usable: ${String((err as Error).message).split('\n')[0].trim()}`);
  }
  return undefined;
}

async function tryWasm(tf: Tf, log: (m: string) => void): Promise<boolean> {
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // A plain path, not a file:// URL: in Node the Emscripten loader reads it with fs.
    wasm.setWasmPaths(wasmDistDir());
    if (await tf.setBackend('wasm')) {
      await tf.ready();
      return true;
    }
  } catch (err) {
    log(`tfjs backend: wasm not usable (${(err as Error).message})`);
  }
  return false;
}

async function choose(options: InitTfOptions): Promise<TfHandle> {
  const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const prefer = options.prefer;
  let why = '';
  if (prefer === undefined || prefer === 'tensorflow') {
    const node = await tryNode((m) => (why = `; ${m}`));
    if (node) {
      log('tfjs backend: tensorflow (tfjs-node)');
      return node;
    }
  }
  const tf = (await import('@tensorflow/tfjs')) as Tf;
  // Silence the "install tfjs-node" banner: the choice is logged below.
  tf.env().set('IS_NODE', true);
  if (prefer !== 'cpu' && (await tryWasm(tf, log))) {
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    log(`tfjs backend: wasm (simd ${simd ? 'on' : 'off'}, files from ${pathToFileURL(wasmDistDir()).pathname})${why}`);
    return { tf, backend: 'wasm' };
  }
  await tf.setBackend('cpu');
  await tf.ready();
  log(`tfjs backend: cpu (slow: pure JavaScript)${why}`);
  return { tf, backend: 'cpu' };
}

/** The process's TensorFlow.js with its backend set; the first call decides and logs, later calls reuse it. */
export function initTf(options: InitTfOptions = {}): Promise<TfHandle> {
  pending ??= choose(options).catch((err) => {
    pending = undefined;
    throw err;
  });
  return pending;
}
