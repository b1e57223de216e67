import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { Client, type Control, type Entry as LdaptsEntry } from 'ldapts';
import type { LdapConnectorConfig } from '../../config/index.js';
import type { ImportItem } from '../../core/connector.js';
import { ConnectorError } from '../../core/errors.js';
import type { LdapSession } from './flavour.js';
import { translateLdapError } from './ldap-errors.js';
import type { LdapMapping } from './ldap-mapping.js';

/** A bound connection to one configured server (the flavour's `LdapSession`), closed after each run. */
export class LdapClientSession implements LdapSession {
  constructor(
    readonly client: Client,
    readonly config: LdapConnectorConfig,
    readonly url: string,
    private readonly mapping: LdapMapping,
  ) {}

  get requestAttributes(): readonly string[] {
    return this.mapping.requestAttributes;
  }

  /** `connector "name": ldap://host:port`, the prefix of every message about this session. */
  get where(): string {
    return `connector "${this.config.name}": ${this.url}`;
  }

  async *searchPages(
    base: string,
    filter: string,
    attributes: readonly string[],
    controls?: readonly Control[],
  ): AsyncGenerator<readonly LdaptsEntry[]> {
    const options = {
      scope: 'sub' as const,
      filter,
      attributes: [...attributes],
      explicitBufferAttributes: [...this.mapping.bufferAttributes],
      paged: { pageSize: this.config.pageSize },
    };
    const pages = this.client.searchPaginated(base, options, controls ? [...controls] : undefined);
    try {
      // The next page is requested before this one is handed on, so the server reads it while
      // the client maps this one (one page ahead: memory stays bounded).
      let next = pages.next();
      for (;;) {
        const page = await next;
        if (page.done === true) break;
        next = pages.next();
        // A consumer that stops early closes the session; the request in flight then fails unseen.
        next.catch(() => undefined);
        // Referrals (searchReferences) are never chased: they may name hosts outside `servers`.
        yield page.value.searchEntries;
      }
    } catch (error) {
      throw translateLdapError(error, this.where, `search under "${base}"`);
    }
  }

  /** A base-scope read of one entry (null when it does not exist). */
  async readEntry(dn: string, attributes: readonly string[]): Promise<LdaptsEntry | null> {
    try {
      const result = await this.client.search(dn, {
        scope: 'base',
        attributes: [...attributes],
        explicitBufferAttributes: [...this.mapping.bufferAttributes],
      });
      return result.searchEntries[0] ?? null;
    } catch (error) {
      if (error instanceof Error && 'code' in error && error.code === 32) return null;
      throw translateLdapError(error, this.where, `read of "${dn}"`);
    }
  }

  toImportItem(raw: LdaptsEntry): ImportItem | null {
    return this.mapping.toImportItem(raw);
  }

  isInScope(dn: string): boolean {
    return this.mapping.isInScope(dn);
  }

  async close(): Promise<void> {
    try {
      await this.client.unbind();
    } catch {
      // The connection is already gone; nothing to release.
    }
  }
}

function tlsOptionsFor(config: LdapConnectorConfig, host: string): ConnectionOptions {
  const { caFile, rejectUnauthorized, serverName } = config.tls;
  let ca: Buffer | undefined;
  if (caFile !== undefined) {
    try {
      ca = readFileSync(caFile);
    } catch (error) {
      throw new ConnectorError(`connector "${config.name}": cannot read tls.caFile ${caFile}`, 'tls', false, {
        cause: error,
      });
    }
  }
  const servername = serverName ?? (isIP(host) === 0 ? host : undefined);
  return {
    host,
    rejectUnauthorized,
    ...(ca !== undefined ? { ca } : {}),
    ...(servername !== undefined ? { servername } : {}),
  };
}

function hostOf(url: string): string {
  const host = new URL(url).hostname;
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

async function connectOne(
  config: LdapConnectorConfig,
  url: string,
  password: string,
  mapping: LdapMapping,
): Promise<LdapClientSession> {
  const host = hostOf(url);
  const isLdaps = /^ldaps:/i.test(url);
  // Any tlsOptions make ldapts speak TLS from the first byte, so they are given for ldaps:// only.
  const client = new Client({
    url,
    timeout: config.timeoutMs,
    connectTimeout: config.timeoutMs,
    ...(isLdaps ? { tlsOptions: tlsOptionsFor(config, host) } : {}),
  });
  const session = new LdapClientSession(client, config, url, mapping);
  try {
    if (config.startTls && !isLdaps) {
      try {
        await client.startTLS(tlsOptionsFor(config, host));
      } catch (error) {
        const translated = translateLdapError(error, session.where, 'StartTLS');
        // A server without TLS configured refuses the extended operation: that is a TLS failure too.
        throw translated.kind === 'connectivity' || translated.kind === 'tls'
          ? translated
          : new ConnectorError(translated.message, 'tls', false, { cause: error });
      }
    }
    try {
      await client.bind(config.bindDn, password);
    } catch (error) {
      throw translateLdapError(error, session.where, `bind as "${config.bindDn}"`);
    }
    return session;
  } catch (error) {
    await session.close();
    throw error;
  }
}

/**
 * Connects and binds to the first configured server that answers. Connectivity and TLS failures
 * move on to the next server; a refused bind stops at once (the next server would refuse it too).
 */
export async function openLdapSession(
  config: LdapConnectorConfig,
  password: string,
  mapping: LdapMapping,
): Promise<LdapClientSession> {
  const failures: ConnectorError[] = [];
  for (const url of config.servers) {
    try {
      return await connectOne(config, url, password, mapping);
    } catch (error) {
      const failure =
        error instanceof ConnectorError
          ? error
          : translateLdapError(error, `connector "${config.name}": ${url}`, 'connect');
      if (failure.kind !== 'connectivity' && failure.kind !== 'tls') throw failure;
      failures.push(failure);
    }
  }
  const first = failures[0] as ConnectorError;
  if (failures.length === 1) throw first;
  const message = `connector "${config.name}": no server could be reached: ${failures.map((f) => f.message).join('; ')}`;
  throw new ConnectorError(message, first.kind, first.isRetryable, { cause: first });
}
