/**
 * Typed errors named after the condition; one middleware renders them as
 * SOL013 ProblemDetails (application/problem+json, `status` and `detail`).
 */
export class ProblemError extends Error {
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
}

export function problemOf(err: ProblemError): ProblemDetails {
  return { title: err.title, status: err.status, detail: err.detail };
}
