import type { Logger } from '../../platform/logger.ts';
import {
  describeFetchError,
  OAuth2ClientCredentials,
  type OAuth2Client,
} from '../../platform/sol/subscriptions/oauth2-client-credentials.ts';
import { GrantRefused, type Grant, type GrantPort, type GrantRequest } from './grant.port.ts';

/** SOL003 9.1: the Grant interface version Tacker's VNFM sends. */
export const GRANT_API_VERSION = '1.4.0';

export interface NfvoGrantSettings {
  /** Base URL of the NFVO, e.g. https://nfvo.example.com (the client adds /grant/v1/grants). */
  readonly nfvoUrl: string;
  /** OAuth 2.0 client credentials (RFC 6749 4.4) for the NFVO; absent: no Authorization header. */
  readonly oauth2?: OAuth2Client;
  readonly timeoutMs: number;
}

/**
 * The SOL003 Grant client (`POST {nfvo}/grant/v1/grants`, Version 1.4.0). Like Tacker, only
 * a synchronous 201 with a Grant counts; 202 (asynchronous decision), a refusal or an
 * unreachable NFVO is a GrantRefused. A 401 drops the cached token and is tried once more.
 */
export class NfvoGrantClient implements GrantPort {
  readonly local = false;
  private readonly tokens: OAuth2ClientCredentials;

  constructor(
    private readonly settings: NfvoGrantSettings,
    private readonly log: Logger,
    tokens?: OAuth2ClientCredentials,
  ) {
    this.tokens = tokens ?? new OAuth2ClientCredentials(settings.timeoutMs);
  }

  async request(req: GrantRequest): Promise<Grant> {
    const url = `${this.settings.nfvoUrl.replace(/\/+$/, '')}/grant/v1/grants`;
    let res = await this.post(url, req);
    if (res.status === 401 && this.settings.oauth2) {
      await res.body?.cancel();
      this.tokens.invalidate(this.settings.oauth2);
      res = await this.post(url, req);
    }
    if (res.status === 201) {
      const grant = (await res.json().catch(() => undefined)) as Grant | undefined;
      if (!grant || typeof grant.id !== 'string' || grant.vnfLcmOpOccId !== req.vnfLcmOpOccId) {
        throw new GrantRefused('the NFVO answered 201 without a Grant for this operation', 502);
      }
      this.log.info({ grantId: grant.id, vnfLcmOpOccId: req.vnfLcmOpOccId, operation: req.operation }, 'grant received');
      return grant;
    }
    const detail = await problemDetail(res);
    if (res.status === 202) throw new GrantRefused('the NFVO decided asynchronously (202); only synchronous grants are supported', 502);
    throw new GrantRefused(`the NFVO refused the grant (${res.status}${detail ? `: ${detail}` : ''})`, res.status >= 500 ? 502 : 403);
  }

  private async post(url: string, req: GrantRequest): Promise<Response> {
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      Accept: 'application/json',
      Version: GRANT_API_VERSION,
    };
    try {
      if (this.settings.oauth2) headers.Authorization = await this.tokens.authorization(this.settings.oauth2);
      return await fetch(url, {
        method: 'POST',
        headers,
        body: JSON.stringify(req),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
    } catch (err) {
      const why = err instanceof Error && err.name === 'TokenEndpointError' ? err.message : describeFetchError(err);
      throw new GrantRefused(`the NFVO could not be asked for a grant: ${why}`, 503);
    }
  }
}

async function problemDetail(res: Response): Promise<string | undefined> {
  const body = (await res.json().catch(() => undefined)) as { detail?: unknown } | undefined;
  return typeof body?.detail === 'string' ? body.detail.slice(0, 500) : undefined;
}
