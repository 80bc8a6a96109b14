import { loadFailureModel } from '../model/failure-model.ts';
import { initTf } from '../model/tf-backend.ts';
import type { ScoringModel } from './model-port.ts';

/**
 * The loader of trained models. TensorFlow.js itself is imported by the first load
 * (prediction/model/tf-backend.ts), so `models list` and a service without a model do not pay for it.
 */
export async function loadFailureModelFromDir(dir: string, log?: (message: string) => void): Promise<ScoringModel> {
  // The first call in a process picks the TensorFlow.js backend and reports the choice to `log`.
  await initTf(log ? { log } : {});
  return loadFailureModel(dir);
}
