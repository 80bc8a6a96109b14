/**
 * What can go wrong behind the VIM port, named after the condition. Both drivers throw these,
 * so the operation engine handles an OpenStack refusal and a simulated one the same way.
 * Messages carry the VIM's own words (Nova's `message`, Keystone's `error.message`), never
 * tokens, passwords or request bodies.
 */
export interface VimErrorDetails {
  /** HTTP status of the VIM's answer, when there was one. */
  readonly status?: number;
  /** OpenStack service type that answered: identity, compute, placement, image, network. */
  readonly service?: string;
  /** `X-Openstack-Request-Id`, to find the call in the VIM's logs. */
  readonly requestId?: string;
}

export class VimError extends Error {
  /** True when the same call may succeed later without any change (VIM busy or unreachable). */
  readonly retriable: boolean = false;
  readonly status?: number;
  readonly service?: string;
  readonly requestId?: string;

  constructor(message: string, details: VimErrorDetails = {}) {
    super(message);
    this.name = new.target.name;
    this.status = details.status;
    this.service = details.service;
    this.requestId = details.requestId;
  }
}

/** Keystone refused the credentials (401/403 on POST /v3/auth/tokens). */
export class VimAuthenticationFailed extends VimError {}

/** The credentials are valid but the VIM's policy forbids the call (403). */
export class VimForbidden extends VimError {}

/** The resource does not exist (404). */
export class VimNotFound extends VimError {}

/** The request is invalid for the VIM, e.g. an unknown host or a host without room (400). */
export class VimBadRequest extends VimError {}

/** The resource is in a state that does not allow the call, e.g. a migration of a server in BUILD (409). */
export class VimConflict extends VimError {}

/** No endpoint of that type, interface and region in the service catalog. */
export class VimEndpointNotFound extends VimError {}

/** The VIM did not answer, answered 5xx or 503, or the call timed out. */
export class VimUnavailable extends VimError {
  override readonly retriable = true;
}

/** Any other 4xx answer. */
export class VimRequestFailed extends VimError {}

/** A wait (server status, migration) did not end within its timeout. */
export class VimOperationTimedOut extends VimError {}

/** The server went to ERROR while we waited for another status. */
export class VimServerFailed extends VimError {}

/** The live migration ended `failed`, `error` or `cancelled`; the server stays where it was. */
export class VimMigrationFailed extends VimError {
  constructor(
    message: string,
    readonly migrationStatus: string,
    details: VimErrorDetails = {},
  ) {
    super(message, details);
  }
}

/** The caller aborted the wait (its AbortSignal fired); nothing was changed on the VIM. */
export class VimWaitAborted extends VimError {}
