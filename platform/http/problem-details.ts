/**
 * Typed errors named after the condition; one middleware renders them as
 * SOL013 ProblemDetails (application/problem+json, `status` and `detail`).
 */
export class ProblemError extends Error {
  /** RFC 7807 3.2 extension members added to the body (never secrets). */
  extensions?: Record<string, unknown>;
  /** Response headers the condition calls for, e.g. Retry-After on a 503. */
  headers?: Record<string, string>;
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
  ) {
    super(detail);
    this.name = new.target.name;
  }
}

export class BadRequest extends ProblemError {
  constructor(detail: string) {
    super(400, 'Bad Request', detail);
  }
}
export class Unauthorized extends ProblemError {
  constructor(detail = 'Authentication required.') {
    super(401, 'Unauthorized', detail);
  }
}
export class Forbidden extends ProblemError {
  constructor(detail: string) {
    super(403, 'Forbidden', detail);
  }
}
export class NotFound extends ProblemError {
  constructor(detail: string) {
    super(404, 'Not Found', detail);
  }
}
export class MethodNotAllowed extends ProblemError {
  constructor(detail: string) {
    super(405, 'Method Not Allowed', detail);
  }
}
export class NotAcceptable extends ProblemError {
  constructor(detail: string) {
    super(406, 'Not Acceptable', detail);
  }
}
export class Conflict extends ProblemError {
  constructor(detail: string) {
    super(409, 'Conflict', detail);
  }
}
export class PayloadTooLarge extends ProblemError {
  constructor(detail: string) {
    super(413, 'Payload Too Large', detail);
  }
}
export class UnsupportedMediaType extends ProblemError {
  constructor(detail: string) {
    super(415, 'Unsupported Media Type', detail);
  }
}
export class UnprocessableEntity extends ProblemError {
  constructor(detail: string) {
    super(422, 'Unprocessable Entity', detail);
  }
}
export class ServiceUnavailable extends ProblemError {
  constructor(detail: string) {
    super(503, 'Service Unavailable', detail);
  }
}

/** One entry of a batch that failed validation: its index in the batch and why. */
export interface InvalidEntry {
  readonly index: number;
  readonly reason: string;
}

/**
 * A batch (collectd values, log lines, alerts) with invalid entries: rejected whole, so
 * nothing of it is stored. The first 20 entries are listed in `invalidEntries`.
 */
export class InvalidBatch extends BadRequest {
  constructor(what: string, entries: readonly InvalidEntry[], total = entries.length) {
    const first = entries[0];
    super(
      `${total} invalid ${what}${total === 1 ? '' : 's'}; nothing of the batch was stored` +
        (first ? ` (first: #${first.index}: ${first.reason})` : '') +
        '.',
    );
    this.extensions = { invalidEntries: entries.slice(0, 20), invalidCount: total };
  }
}

/** The server cannot take the request now but will soon: 503 with Retry-After (RFC 9110 10.2.3). */
export class TemporarilyOverloaded extends ServiceUnavailable {
  constructor(detail: string, retryAfterSeconds = 1) {
    super(detail);
    this.headers = { 'Retry-After': String(retryAfterSeconds) };
  }
}

// Named conditions shared by every API (SOL013 clause 6.4 / Tacker common/exceptions.py).
export class APIVersionMissing extends BadRequest {
  constructor() {
    super("'Version' HTTP header missing.");
  }
}
export class InvalidAPIVersionString extends BadRequest {
  constructor(version: string) {
    super(`Version String ${version} is of invalid format. Must be of format Major.Minor.Patch.`);
  }
}
export class APIVersionNotSupported extends NotAcceptable {
  constructor(version: string) {
    super(`Version ${version} not supported by this API.`);
  }
}
export class InvalidFilter extends BadRequest {}
export class InvalidAttributeSelector extends BadRequest {}
export class InvalidPagingMarker extends BadRequest {
  constructor() {
    super('Paging marker nextpage_opaque_marker is not valid.');
  }
}
export class SubscriptionNotFound extends NotFound {
  constructor(id: string) {
    super(`Subscription ${id} not found.`);
  }
}
export class CallbackTestFailed extends UnprocessableEntity {
  constructor(uri: string, why: string) {
    super(`Test notification to callbackUri ${uri} failed: ${why}.`);
  }
}

export interface ProblemDetails {
  type?: string;
  title?: string;
  status: number;
  detail: string;
  instance?: string;
  [extension: string]: unknown;
}

export function problemOf(err: ProblemError): ProblemDetails {
  return { ...err.extensions, title: err.title, status: err.status, detail: err.detail };
}
