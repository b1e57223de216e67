import {
  ConfidentialClientApplication,
  type Configuration,
  type INetworkModule,
  type NetworkResponse,
} from '@azure/msal-node';
import { ConnectorError } from '../../core/errors.js';
import { HttpTransportError, type HttpTransport } from './graph-http.js';

export type EntraCredential =
  | { readonly kind: 'secret'; readonly secret: string }
  | { readonly kind: 'certificate'; readonly privateKey: string; readonly thumbprint: string; readonly x5c?: string };

export interface TokenSourceOptions {
  readonly connector: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly authority: string;
  readonly graphUrl: string;
  readonly credential: EntraCredential;
}

/** MSAL's HTTP goes through the connector's transport, so the same CA and timeout apply to it. */
class TransportNetworkModule implements INetworkModule {
  lastTransportError: HttpTransportError | null = null;

  constructor(private readonly transport: HttpTransport) {}

  private async send<T>(
    method: string,
    url: string,
    headers?: Record<string, string>,
    body?: string,
  ): Promise<NetworkResponse<T>> {
    try {
      const response = await this.transport.send({
        method,
        url,
        ...(headers ? { headers } : {}),
        ...(body !== undefined ? { body } : {}),
      });
      let parsed: unknown = {};
      try {
        parsed = response.text === '' ? {} : JSON.parse(response.text);
      } catch {
        parsed = {
          error: 'invalid_response',
          error_description: 'the token endpoint answered with a body that is not JSON',
        };
      }
      return { status: response.status, headers: response.headers, body: parsed as T };
    } catch (error) {
      if (error instanceof HttpTransportError) this.lastTransportError = error;
      throw error;
    }
  }

  sendGetRequestAsync<T>(url: string, options?: { headers?: Record<string, string> }): Promise<NetworkResponse<T>> {
    return this.send<T>('GET', url, options?.headers);
  }

  sendPostRequestAsync<T>(
    url: string,
    options?: { headers?: Record<string, string>; body?: string },
  ): Promise<NetworkResponse<T>> {
    return this.send<T>('POST', url, options?.headers, options?.body);
  }
}

/**
 * Access tokens for Graph by the OAuth 2.0 client-credentials grant, through MSAL (which caches
 * them until shortly before expiry). The authority's metadata is given, not discovered, so MSAL
 * sends exactly one kind of request: to `<authority>/<tenant>/oauth2/v2.0/token`.
 */
export class TokenSource {
  private readonly app: ConfidentialClientApplication;
  private readonly network: TransportNetworkModule;
  private readonly scope: string;

  constructor(
    private readonly options: TokenSourceOptions,
    transport: HttpTransport,
  ) {
    this.network = new TransportNetworkModule(transport);
    const authority = `${options.authority}/${options.tenantId}`;
    const host = new URL(options.authority).host;
    const metadata = {
      token_endpoint: `${authority}/oauth2/v2.0/token`,
      authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
      end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
      issuer: `${authority}/v2.0`,
      jwks_uri: `${authority}/discovery/v2.0/keys`,
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      response_modes_supported: ['query', 'fragment', 'form_post'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      http_logout_supported: true,
      frontchannel_logout_supported: true,
    };
    const discovery = {
      tenant_discovery_endpoint: `${authority}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    };
    const credential = options.credential;
    const config: Configuration = {
      auth: {
        clientId: options.clientId,
        authority,
        knownAuthorities: [host],
        authorityMetadata: JSON.stringify(metadata),
        cloudDiscoveryMetadata: JSON.stringify(discovery),
        ...(credential.kind === 'secret'
          ? { clientSecret: credential.secret }
          : {
              clientCertificate: {
                privateKey: credential.privateKey,
                ...(credential.thumbprint.length === 64
                  ? { thumbprintSha256: credential.thumbprint }
                  : { thumbprint: credential.thumbprint }),
                ...(credential.x5c !== undefined ? { x5c: credential.x5c } : {}),
              },
            }),
      },
      system: { networkClient: this.network },
    };
    this.app = new ConfidentialClientApplication(config);
    this.scope = `${options.graphUrl}/.default`;
  }

  /** A bearer token; `isRefresh` skips MSAL's cache (after Graph answered 401). */
  async token(isRefresh = false): Promise<string> {
    this.network.lastTransportError = null;
    try {
      const result = await this.app.acquireTokenByClientCredential({ scopes: [this.scope], skipCache: isRefresh });
      if (!result?.accessToken) throw new Error('no access token in the token response');
      return result.accessToken;
    } catch (error) {
      throw this.translate(error);
    }
  }

  private translate(error: unknown): ConnectorError {
    const name = `connector "${this.options.connector}"`;
    const transport = this.network.lastTransportError;
    if (transport) {
      return new ConnectorError(
        `${name}: cannot reach the token endpoint ${this.options.authority}: ${transport.message}`,
        'connectivity',
        true,
        { cause: transport },
      );
    }
    const code = (error as { errorCode?: unknown }).errorCode;
    const detail = (error as { errorMessage?: unknown }).errorMessage;
    const firstLine = typeof detail === 'string' ? (detail.split(/\r?\n/)[0] ?? '') : '';
    return new ConnectorError(
      `${name}: Microsoft Entra ID refused the client credentials of application ${this.options.clientId} in tenant ${this.options.tenantId}${typeof code === 'string' ? ` (${code})` : ''}${firstLine ? `: ${firstLine}` : ''}. Check the tenant id, client id and the ${this.options.credential.kind === 'secret' ? 'client secret' : 'certificate'} of the app registration.`,
      'authentication',
      false,
      { cause: error },
    );
  }
}
