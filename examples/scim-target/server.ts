/**
 * A small SCIM 2.0 service (RFC 7643/7644) built on the third-party `scimmy` and `scimmy-routers`
 * packages, with Users (core + enterprise extension) and Groups persisted in SQLite. idsync's tests
 * and benchmarks start it on loopback; users run it to try idsync against SCIM without a cloud account:
 *
 *   SCIM_TOKEN=secret npx tsx examples/scim-target/server.ts --port 8080 --db ./scim.db
 *
 * Besides the protocol it offers what a test harness needs: a request log, injected faults (429/503
 * with Retry-After, dropped responses) and an optional simulated latency per request.
 */
import { realpathSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import type { Server } from 'node:http';
import { parseArgs } from 'node:util';
import express from 'express';
import SCIMMY from 'scimmy';
import SCIMMYRouters from 'scimmy-routers';
import { indexedBranch, matches, parseQuery } from './query.js';
import { ScimStore, ScimStoreError, type IndexedCondition, type ResourceKind } from './scim-store.js';

export interface ScimServerOptions {
  /** 0 picks a free port. */
  readonly port?: number;
  readonly host?: string;
  readonly dbPath: string;
  /** The bearer token clients must send. */
  readonly token: string;
  /** A token that may read but not write: writes get 403. */
  readonly readOnlyToken?: string;
  /** Client credentials accepted by `POST /oauth/token` (grant_type=client_credentials); it returns `token`. */
  readonly oauthClient?: { readonly id: string; readonly secret: string };
  /** Simulated latency added to every SCIM request (benchmark extra only; 0 by default). */
  readonly latencyMs?: number;
}

/** What the server saw: one entry per SCIM request, in arrival order. */
export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, unknown>>;
  readonly body: unknown;
  readonly ifMatch?: string;
}

/** A fault the next matching requests meet instead of (or after) normal handling. */
export interface InjectedFault {
  readonly method?: string;
  readonly path?: RegExp;
  /** A further condition on the request (its query, its body). */
  readonly when?: (request: LoggedRequest) => boolean;
  /** How many matching requests meet it (default 1). */
  times?: number;
  /**
   * `status`: answer with this status (and Retry-After), with `body` as the raw body if given (else a
   * SCIM error body); `drop-response`: handle the request, then cut the connection without answering.
   */
  readonly action: { readonly status: number; readonly retryAfter?: string; readonly body?: string } | 'drop-response';
}

export interface ScimServer {
  /** Base URL of the SCIM endpoints, e.g. `http://127.0.0.1:41234/scim/v2`. */
  readonly url: string;
  readonly origin: string;
  readonly store: ScimStore;
  readonly requests: LoggedRequest[];
  inject(fault: InjectedFault): void;
  /** Removes every fault not yet met. */
  clearFaults(): void;
  close(): Promise<void>;
}

interface HandlerContext {
  readonly store: ScimStore;
  readonly ifMatch?: string;
}

const MAX_PAGE = 1000;

function scimError(error: unknown): unknown {
  if (error instanceof ScimStoreError) return new SCIMMY.Types.Error(error.status, error.scimType ?? '', error.message);
  return error;
}

type EgressResource = {
  id?: string;
  filter?: SCIMMY.Types.Filter;
  constraints?: { startIndex?: number; count?: number; totalResults?: number };
};

function egress(kind: ResourceKind) {
  return (resource: EgressResource, ctx: HandlerContext): unknown => {
    if (resource.id !== undefined) {
      const found = ctx.store.get(kind, resource.id);
      if (!found) throw new SCIMMY.Types.Error(404, '', `Resource ${resource.id} not found`);
      return found;
    }
    const startIndex = Math.max(1, resource.constraints?.startIndex ?? 1);
    const count = Math.min(MAX_PAGE, Math.max(0, resource.constraints?.count ?? 100));
    const filter = resource.filter;
    const branches = filter ? [...filter].map((b) => indexedBranch(b as Record<string, unknown>)) : null;
    let page: { resources: unknown[]; totalResults: number };
    if (filter === undefined || (branches !== null && branches.every((b) => b !== null))) {
      page = ctx.store.list(kind, branches as IndexedCondition[][] | null, startIndex, count);
    } else {
      // A filter the indexes cannot answer: scimmy matches it, one resource at a time.
      const matched: unknown[] = [];
      let total = 0;
      for (const candidate of ctx.store.scan(kind)) {
        if (!matches(filter, candidate)) continue;
        total++;
        if (total >= startIndex && matched.length < count) matched.push(candidate);
      }
      page = { resources: matched, totalResults: total };
    }
    resource.constraints = { ...resource.constraints, startIndex, count, totalResults: page.totalResults };
    return page.resources;
  };
}

function validateEmails(body: Record<string, unknown>): void {
  const emails = body.emails;
  if (!Array.isArray(emails)) return;
  for (const email of emails as { value?: unknown; type?: unknown }[]) {
    if (typeof email.value !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(email.value)) {
      const type = typeof email.type === 'string' ? email.type : 'untyped';
      throw new SCIMMY.Types.Error(
        400,
        'invalidValue',
        `emails[type eq "${type}"].value: ${JSON.stringify(email.value)} is not an email address`,
      );
    }
  }
}

function ingress(kind: ResourceKind) {
  return (resource: { id?: string }, instance: unknown, ctx: HandlerContext): unknown => {
    const body = JSON.parse(JSON.stringify(instance)) as Record<string, unknown>;
    if (kind === 'User') validateEmails(body);
    try {
      if (resource.id === undefined) return ctx.store.create(kind, body);
      return ctx.store.replace(kind, resource.id, body, ctx.ifMatch);
    } catch (error) {
      throw scimError(error);
    }
  };
}

function degress(kind: ResourceKind) {
  return (resource: { id?: string }, ctx: HandlerContext): void => {
    try {
      ctx.store.delete(kind, resource.id ?? '', ctx.ifMatch);
    } catch (error) {
      throw scimError(error);
    }
  };
}

let isDeclared = false;

/** scimmy keeps declared resource types globally: declare them once; handlers find their store in the context. */
function declareResources(): void {
  if (isDeclared) return;
  isDeclared = true;
  SCIMMY.Resources.declare(SCIMMY.Resources.User.extend(SCIMMY.Schemas.EnterpriseUser, false), {
    egress: egress('User'),
    ingress: ingress('User'),
    degress: degress('User'),
  } as never);
  SCIMMY.Resources.declare(SCIMMY.Resources.Group, {
    egress: egress('Group'),
    ingress: ingress('Group'),
    degress: degress('Group'),
  } as never);
}

function sendError(res: express.Response, status: number, detail: string, headers: Record<string, string> = {}): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res
    .status(status)
    .type('application/scim+json')
    .send({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(status), detail });
}

function bearerOf(req: express.Request): string | undefined {
  const header = req.header('Authorization') ?? '';
  return header.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
}

/** Starts the service; resolves once it listens. `close()` stops it and closes the database. */
export async function startScimServer(options: ScimServerOptions): Promise<ScimServer> {
  declareResources();
  const store = new ScimStore(options.dbPath);
  const requests: LoggedRequest[] = [];
  const faults: InjectedFault[] = [];
  const app = express();
  app.disable('x-powered-by');
  // Resources carry their own version as ETag; lists get none.
  app.set('etag', false);
  // Express 5 re-parses req.query on every read, so scimmy-routers cannot turn startIndex and count
  // into numbers in place: the query parser does it.
  app.set('query parser', parseQuery);

  app.post('/oauth/token', express.urlencoded({ extended: false }), (req, res) => {
    const body = req.body as Record<string, string | undefined>;
    const client = options.oauthClient;
    if (!client || body.grant_type !== 'client_credentials' || body.client_id !== client.id) {
      res.status(401).json({ error: 'invalid_client' });
      return;
    }
    if (body.client_secret !== client.secret) {
      res.status(401).json({ error: 'invalid_client' });
      return;
    }
    res.json({ access_token: options.token, token_type: 'Bearer', expires_in: 3600 });
  });

  const scim = express.Router();
  scim.use(express.json({ type: ['application/scim+json', 'application/json'], limit: '10mb' }));
  scim.use((req, res, next) => {
    const ifMatch = req.header('If-Match');
    const logged: LoggedRequest = {
      method: req.method,
      path: req.path,
      query: { ...req.query },
      body: req.body as unknown,
      ...(ifMatch !== undefined ? { ifMatch } : {}),
    };
    requests.push(logged);
    const index = faults.findIndex(
      (f) =>
        (!f.method || f.method === req.method) && (!f.path || f.path.test(req.path)) && (!f.when || f.when(logged)),
    );
    const fault = faults[index];
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      if (fault.times <= 0) faults.splice(index, 1);
      if (fault.action === 'drop-response') {
        // The request is handled; its response never reaches the client.
        res.end = (() => {
          req.socket.destroy();
          return res;
        }) as typeof res.end;
      } else {
        const { status, retryAfter, body } = fault.action;
        const headers: Record<string, string> = retryAfter !== undefined ? { 'Retry-After': retryAfter } : {};
        if (body === undefined) sendError(res, status, 'injected fault', headers);
        else res.status(status).set(headers).type('application/scim+json').send(Buffer.from(body));
        return;
      }
    }
    const token = bearerOf(req);
    if (token !== undefined && token === options.readOnlyToken && req.method !== 'GET') {
      sendError(res, 403, 'this token may only read');
      return;
    }
    // ETag (RFC 7644 §3.14): the version of a single resource, as a header.
    const send = res.send.bind(res);
    res.send = ((body: unknown) => {
      const version = (body as { meta?: { version?: unknown } } | null)?.meta?.version;
      if (typeof version === 'string' && !res.headersSent) res.setHeader('ETag', version);
      return send(body);
    }) as typeof res.send;
    if (options.latencyMs) setTimeout(next, options.latencyMs);
    else next();
  });
  scim.use(
    new SCIMMYRouters({
      type: 'bearer',
      handler: (req) => {
        const token = bearerOf(req);
        if (token === undefined || (token !== options.token && token !== options.readOnlyToken)) {
          throw new Error('a valid bearer token is required');
        }
        return 'idsync';
      },
      context: (req): HandlerContext => {
        const ifMatch = req.header('If-Match');
        return { store, ...(ifMatch !== undefined ? { ifMatch } : {}) };
      },
    }) as unknown as express.Router,
  );
  app.use('/scim/v2', scim);

  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(options.port ?? 0, options.host ?? '127.0.0.1', (error?: Error) =>
      error ? reject(error) : resolve(listening),
    );
  });
  server.keepAliveTimeout = 30_000;
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  const origin = `http://${host}:${port}`;
  return {
    url: `${origin}/scim/v2`,
    origin,
    store,
    requests,
    inject: (fault) => faults.push(fault),
    clearFaults: () => faults.splice(0),
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      store.close();
    },
  };
}

async function runFromCommandLine(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8080' },
      host: { type: 'string', default: '127.0.0.1' },
      db: { type: 'string', default: './scim.db' },
      'token-env': { type: 'string', default: 'SCIM_TOKEN' },
      'latency-ms': { type: 'string', default: '0' },
    },
    strict: true,
  });
  const token = process.env[values['token-env']];
  if (!token) {
    process.stderr.write(`scim-target: set the bearer token in the environment variable ${values['token-env']}\n`);
    process.exitCode = 2;
    return;
  }
  const server = await startScimServer({
    port: Number(values.port),
    host: values.host,
    dbPath: values.db,
    token,
    latencyMs: Number(values['latency-ms']),
  });
  process.stdout.write(`SCIM service listening at ${server.url} (database ${values.db})\n`);
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  await runFromCommandLine();
}
