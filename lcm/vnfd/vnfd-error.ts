import { UnprocessableEntity } from '../../platform/http/problem-details.ts';

/**
 * One thing wrong with a VNF package. `path` is the exact place: the file relative to the
 * package folder, then `#` and the YAML path inside it, e.g.
 * `Definitions/vepc_df_simple.yaml#topology_template.node_templates.mme.properties.vdu_profile`.
 */
export interface VnfdProblem {
  readonly path: string;
  readonly message: string;
  /** 1-based line in that file, when the problem is at a place that exists in it. */
  readonly line?: number;
}

/** Problems listed in the ProblemDetails body at most (the detail names the first). */
const LISTED = 50;

/**
 * An invalid VNF package: 422 ProblemDetails whose `invalidVnfd` extension lists every
 * problem found, each with its exact path. A route answers it by throwing it.
 */
export class VnfdError extends UnprocessableEntity {
  constructor(readonly problems: readonly VnfdProblem[]) {
    const first = problems[0];
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length === 2 ? '' : 's'})` : '';
    super(first ? `Invalid VNFD: ${first.path}: ${first.message}${more}.` : 'Invalid VNFD.');
    this.extensions = { invalidVnfd: problems.slice(0, LISTED), invalidVnfdCount: problems.length };
  }
}

/** Collects problems while a package is read, so one answer lists all of them. */
export class VnfdProblems {
  readonly list: VnfdProblem[] = [];

  add(path: string, message: string, line?: number): void {
    // The same definition can be reached from several flavours: report it once.
    if (this.list.some((p) => p.path === path && p.message === message)) return;
    this.list.push(line === undefined ? { path, message } : { path, message, line });
  }

  get empty(): boolean {
    return this.list.length === 0;
  }

  throwIfAny(): void {
    if (!this.empty) throw new VnfdError(this.list);
  }
}
