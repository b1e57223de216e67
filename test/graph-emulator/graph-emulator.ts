import { constants, createPublicKey, randomBytes, verify } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Directory } from './directory.js';
import { graphError, GraphRoutes, type GraphResponse } from './graph-routes.js';

export interface GraphEmulatorOptions {
  readonly tenantId: string;
  readonly clientId: string;
  /** The client secret the token endpoint accepts. */
  readonly clientSecret: string;
  /** PEM certificate whose key may sign client assertions (certificate credentials). */
  readonly clientCertificate?: string;
  readonly tls: { readonly key: string; readonly cert: string };
}

export interface LoggedRequest {
  readonly method: string;
  /** Path and query as received, e.g. `/v1.0/users?$select=id`. */
  readonly url: string;
  readonly at: number;
  status: number;
  /** For `$batch`: `METHOD url` of each inner request. */
  batch?: readonly string[];
}

/** Picks the requests a fault applies to: method, path with query, and request body text. */
type Match = (method: string, url: string, body: string) => boolean;
const ANY: Match = () => true;

/** Faults the next requests to Graph (not the token endpoint) suffer, for tests. */
export interface Faults {
  /** 429 with `Retry-After: seconds` for the next `count` matching requests. */
  throttle(count: number, retryAfterSeconds: number, match?: Match): void;
  /** 429 with `Retry-After: seconds` for the next `count` requests inside `$batch`es (the batch itself succeeds). */
  throttleBatchItems(count: number, retryAfterSeconds: number): void;
  /** 401 (expired/invalid token) or 403 (missing permission) for the next `count` requests. */
  deny(status: 401 | 403, count?: number): void;
  /** A 200 whose body is not valid JSON for the next `count` matching requests. */
  malformed(count: number, match?: Match): void;
  /** The request is carried out, then the connection is cut before any response. */
  dropResponse(count: number, match?: Match): void;
  /** Every delta token issued so far becomes invalid (410 syncStateNotFound). */
  expireDeltaTokens(): void;
  /** The token endpoint refuses every request (AADSTS7000215-style invalid_client). */
  rejectCredentials(isRejected: boolean): void;
}

export interface GraphEmulator {
  readonly url: string;
  readonly authority: string;
  readonly directory: Directory;
  readonly requests: LoggedRequest[];
  readonly faults: Faults;
  /** From now on, client assertions must be signed by this certificate's key (secrets still work). */
  trustClientCertificate(pem: string): void;
  close(): Promise<void>;
}

interface Pending {
  count: number;
  match: Match;
}

function take<T extends Pending>(list: T[], method: string, url: string, body = ''): T | undefined {
  const hit = list.find((p) => p.count > 0 && p.match(method, url, body));
  if (hit) hit.count--;
  return hit;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, response: GraphResponse): void {
  res.writeHead(response.status, response.headers ?? {});
  res.end(response.body === undefined ? undefined : JSON.stringify(response.body));
}

/** Checks a client assertion JWT loosely: issuer and subject are the client, and the signature verifies when a certificate is known. */
function isAssertionValid(assertion: string, clientId: string, certificate: string | undefined): boolean {
  const [header, payload, signature] = assertion.split('.');
  if (!header || !payload || !signature) return false;
  try {
    const { alg } = JSON.parse(Buffer.from(header, 'base64url').toString()) as { alg?: string };
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { iss?: string; sub?: string };
    if (claims.iss !== clientId || claims.sub !== clientId) return false;
    if (!certificate) return true;
    const key = createPublicKey(certificate);
    return verify(
      'sha256',
      Buffer.from(`${header}.${payload}`),
      { key, padding: alg === 'PS256' ? constants.RSA_PKCS1_PSS_PADDING : constants.RSA_PKCS1_PADDING },
      Buffer.from(signature, 'base64url'),
    );
  } catch {
    return false;
  }
}

/**
 * A local stand-in for Microsoft Graph v1.0 and the Microsoft identity platform token endpoint,
 * over https on 127.0.0.1 (MSAL insists on https authorities). It follows the documented request
 * and response shapes: OAuth client credentials, `$select`/`$filter`/`$top` with `@odata.nextLink`,
 * delta queries with `@odata.deltaLink`, `@removed` and `members@delta`, JSON `$batch`, Graph error
 * bodies and 429 throttling with Retry-After. It is not Entra ID: tests against it prove the
 * connector speaks the documented protocol, not that a tenant accepts every value.
 */
export async function startGraphEmulator(options: GraphEmulatorOptions): Promise<GraphEmulator> {
  const directory = new Directory();
  const requests: LoggedRequest[] = [];
  const tokens = new Set<string>();
  const throttles: (Pending & { seconds: number })[] = [];
  const denials: (Pending & { status: 401 | 403 })[] = [];
  const malformed: Pending[] = [];
  const drops: Pending[] = [];
  let isRejectingCredentials = false;
  let clientCertificate = options.clientCertificate;
  const sockets = new Set<Socket>();
  let url = '';
  const routes = new GraphRoutes(directory, () => url);

  const tokenEndpoint = async (req: IncomingMessage, res: ServerResponse, entry: LoggedRequest): Promise<void> => {
    const form = new URLSearchParams(await readBody(req));
    const isClient = form.get('client_id') === options.clientId && form.get('grant_type') === 'client_credentials';
    const secret = form.get('client_secret');
    const assertion = form.get('client_assertion');
    const isCredentialValid =
      (secret !== null && secret === options.clientSecret) ||
      (assertion !== null && isAssertionValid(assertion, options.clientId, clientCertificate));
    if (!isClient || !isCredentialValid || isRejectingCredentials) {
      entry.status = 401;
      send(res, {
        status: 401,
        headers: { 'content-type': 'application/json' },
        body: {
          error: 'invalid_client',
          error_description: `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${options.clientId}'.`,
          error_codes: [7000215],
        },
      });
      return;
    }
    const accessToken = randomBytes(24).toString('base64url');
    tokens.add(accessToken);
    entry.status = 200;
    send(res, {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: accessToken },
    });
  };

  const graph = async (req: IncomingMessage, res: ServerResponse, entry: LoggedRequest): Promise<void> => {
    const method = req.method ?? 'GET';
    const target = new URL(req.url ?? '/', 'https://127.0.0.1');
    const text = await readBody(req);
    const reply = (response: GraphResponse): void => {
      entry.status = response.status;
      send(res, response);
    };
    if (target.pathname === '/v1.0/$batch') {
      try {
        const inner = (JSON.parse(text) as { requests?: { method?: unknown; url?: unknown }[] }).requests;
        if (Array.isArray(inner)) entry.batch = inner.map((r) => `${String(r.method)} ${String(r.url)}`);
      } catch {
        // Logged without its inner requests; the handler answers 400.
      }
    }
    const denial = take(denials, method, entry.url);
    if (denial) {
      return reply(
        denial.status === 401
          ? graphError(401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid audience.')
          : graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'),
      );
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer || !tokens.has(bearer)) {
      return reply(graphError(401, 'InvalidAuthenticationToken', 'Access token is empty or invalid.'));
    }
    const throttle = take(throttles, method, entry.url, text);
    if (throttle) {
      return reply({
        ...graphError(429, 'TooManyRequests', 'Too many requests; retry after the time the Retry-After header gives.'),
        headers: { 'content-type': 'application/json', 'retry-after': String(throttle.seconds) },
      });
    }
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      return reply(graphError(400, 'BadRequest', 'Unable to read JSON request payload.'));
    }
    const headers = { prefer: req.headers.prefer as string | undefined };
    const path = target.pathname.replace(/^\/v1\.0/, '');
    const response =
      path === '/$batch' && method === 'POST'
        ? routes.batch(body, headers)
        : routes.handle({ method, path, query: target.searchParams, headers, body });
    if (take(drops, method, entry.url, text)) {
      entry.status = 0;
      req.socket.destroy();
      return;
    }
    if (take(malformed, method, entry.url, text)) {
      entry.status = response.status;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"value": [ {"id": "truncated');
      return;
    }
    reply(response);
  };

  const server: Server = createServer({ key: options.tls.key, cert: options.tls.cert }, (req, res) => {
    const entry: LoggedRequest = { method: req.method ?? 'GET', url: req.url ?? '/', at: Date.now(), status: 0 };
    requests.push(entry);
    const isToken = /^\/[^/]+\/oauth2\/v2\.0\/token$/.test(new URL(entry.url, 'https://127.0.0.1').pathname);
    const handler = isToken ? tokenEndpoint : graph;
    handler(req, res, entry).catch((error: unknown) => {
      entry.status = 500;
      send(res, graphError(500, 'InternalServerError', error instanceof Error ? error.message : String(error)));
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const faults: Faults = {
    throttle: (count, seconds, match = ANY) => void throttles.push({ count, seconds, match }),
    throttleBatchItems: (count, seconds) => {
      routes.itemThrottle.count = count;
      routes.itemThrottle.seconds = seconds;
    },
    deny: (status, count = Number.POSITIVE_INFINITY) => void denials.push({ count, status, match: ANY }),
    malformed: (count, match = ANY) => void malformed.push({ count, match }),
    dropResponse: (count, match = ANY) => void drops.push({ count, match }),
    expireDeltaTokens: () => {
      directory.oldestValidSeq = directory.seq + 1;
    },
    rejectCredentials: (isRejected) => {
      isRejectingCredentials = isRejected;
      tokens.clear();
    },
  };

  return {
    url,
    authority: `${url}`,
    directory,
    requests,
    faults,
    trustClientCertificate: (pem) => {
      clientCertificate = pem;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
