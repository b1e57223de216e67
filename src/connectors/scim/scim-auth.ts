import type { ScimConnectorConfig } from '../../config/index.js';
import { resolveSecret } from '../../config/index.js';
import { ConnectorError } from '../../core/errors.js';
import { isNotSent, networkErrorText } from './scim-errors.js';

/** Supplies the `Authorization` header value; `invalidate` drops a token the service refused. */
export interface TokenSource {
  header(signal?: AbortSignal): Promise<string>;
  invalidate(): void;
  /** True when a refused token may be renewed (OAuth); a static bearer token cannot. */
  readonly canRenew: boolean;
}

/**
 * The connector's credentials. Secret references are resolved here, when the connector first talks to
 * the service; the values never appear in messages.
 */
export function createTokenSource(config: ScimConnectorConfig, fieldPrefix: string, timeoutMs: number): TokenSource {
  const auth = config.auth;
  if ('bearerToken' in auth) {
    let token: string | undefined;
    return {
      canRenew: false,
      header: () => {
        token ??= resolveSecret(auth.bearerToken, `${fieldPrefix} auth.bearerToken`);
        return Promise.resolve(`Bearer ${token}`);
      },
      invalidate: () => undefined,
    };
  }
  return new OAuthTokenSource(config.name, auth.oauth, `${fieldPrefix} auth.oauth.clientSecret`, timeoutMs);
}

interface OAuthSettings {
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scope?: string | undefined;
}

/** OAuth 2.0 client credentials (RFC 6749 §4.4), renewed a minute before it expires. */
class OAuthTokenSource implements TokenSource {
  readonly canRenew = true;
  private token: { value: string; expiresAt: number } | null = null;
  private pending: Promise<string> | null = null;

  constructor(
    private readonly connector: string,
    private readonly settings: OAuthSettings,
    private readonly secretField: string,
    private readonly timeoutMs: number,
  ) {}

  async header(signal?: AbortSignal): Promise<string> {
    if (this.token && this.token.expiresAt > Date.now()) return `Bearer ${this.token.value}`;
    this.pending ??= this.fetchToken(signal).finally(() => {
      this.pending = null;
    });
    return `Bearer ${await this.pending}`;
  }

  invalidate(): void {
    this.token = null;
  }

  private async fetchToken(signal?: AbortSignal): Promise<string> {
    const secret = resolveSecret(this.settings.clientSecret, this.secretField);
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.settings.clientId,
      client_secret: secret,
      ...(this.settings.scope !== undefined ? { scope: this.settings.scope } : {}),
    });
    const timeout = AbortSignal.timeout(this.timeoutMs);
    let response: Response;
    try {
      response = await fetch(this.settings.tokenUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: form,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      const kind = isNotSent(error) ? 'cannot reach' : 'no answer from';
      throw new ConnectorError(
        `connector "${this.connector}": ${kind} the OAuth token endpoint ${this.settings.tokenUrl} (${networkErrorText(error)})`,
        'connectivity',
        true,
        { cause: error },
      );
    }
    const text = await response.text();
    if (response.status === 400 || response.status === 401 || response.status === 403) {
      throw new ConnectorError(
        `connector "${this.connector}": the OAuth token endpoint refused client "${this.settings.clientId}" (HTTP ${response.status}); check auth.oauth in idsync.yaml`,
        'authentication',
      );
    }
    const body = parseTokenBody(text);
    if (!response.ok || typeof body?.access_token !== 'string' || body.access_token === '') {
      throw new ConnectorError(
        `connector "${this.connector}": the OAuth token endpoint answered HTTP ${response.status} without an access_token`,
        'protocol',
      );
    }
    const lifetime = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 3600;
    this.token = { value: body.access_token, expiresAt: Date.now() + Math.max(0, lifetime - 60) * 1000 };
    return body.access_token;
  }
}

function parseTokenBody(text: string): { access_token?: unknown; expires_in?: unknown } | null {
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed !== null && typeof parsed === 'object' ? parsed : null;
  } catch {
    return null;
  }
}
