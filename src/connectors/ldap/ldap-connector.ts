import type { LdapConnectorConfig } from '../../config/index.js';
import { resolveSecret } from '../../config/index.js';
import type {
  Connector,
  ConnectorCapabilities,
  ExportOptions,
  ExportRequest,
  ExportResult,
  ImportItem,
  ImportOptions,
} from '../../core/connector.js';
import { normalizeDn } from '../../core/dn.js';
import { ConfigError } from '../../core/errors.js';
import type { LdapFlavour } from './flavour.js';
import { LdapMapping } from './ldap-mapping.js';
import { openLdapSession, type LdapClientSession } from './ldap-session.js';
import { LdapWriter, type SessionSource } from './ldap-writer.js';

function checkConfig(config: LdapConnectorConfig): void {
  const field = (name: string) => ({ field: `connectors.${config.name}.${name}` });
  if (config.startTls && config.servers.some((url) => /^ldaps:/i.test(url))) {
    throw new ConfigError(
      `connector "${config.name}": startTls applies to ldap:// URLs; ldaps:// is TLS already`,
      field('startTls'),
    );
  }
  const base = normalizeDn(config.baseDn);
  for (const kind of ['include', 'exclude'] as const) {
    for (const dn of config.containers[kind]) {
      const n = normalizeDn(dn);
      if (n !== base && !n.endsWith(',' + base)) {
        throw new ConfigError(
          `connector "${config.name}": container "${dn}" is not under baseDn "${config.baseDn}"`,
          field(`containers.${kind}`),
        );
      }
    }
  }
}

/**
 * The `ldap` connector (OpenLDAP or Active Directory, by flavour). Each run opens its own bound
 * session on the first server that answers and closes it at the end; full imports stream page by
 * page; exports write object by object.
 */
export class LdapConnector implements Connector {
  readonly name: string;
  readonly capabilities: ConnectorCapabilities;
  private readonly mapping: LdapMapping;

  constructor(
    private readonly config: LdapConnectorConfig,
    private readonly flavour: LdapFlavour,
  ) {
    checkConfig(config);
    this.name = config.name;
    this.mapping = new LdapMapping(config, flavour);
    this.capabilities = {
      deltaImport: 'native',
      canExport: true,
      referenceAttributes: [...config.referenceAttributes],
    };
  }

  /** The delta position first (changes made during the import are read again), then every entry. */
  async *fullImport(options: ImportOptions = {}): AsyncGenerator<ImportItem> {
    const session = await this.open(options);
    try {
      const watermark = await this.flavour.currentWatermark(session);
      const { searchBases, searchFilter, requestAttributes } = this.mapping;
      const checkScope = this.mapping.hasExclusions;
      for (const base of searchBases) {
        for await (const page of session.searchPages(base, searchFilter, requestAttributes)) {
          for (const raw of page) {
            const item = this.mapping.toImportItem(raw, checkScope);
            if (item !== null) yield item;
          }
          options.signal?.throwIfAborted();
        }
      }
      yield { kind: 'watermark', watermark };
    } finally {
      await session.close();
    }
  }

  async *deltaImport(watermark: string, options: ImportOptions = {}): AsyncGenerator<ImportItem> {
    const session = await this.open(options);
    try {
      yield* this.flavour.deltaImport(session, watermark, options);
    } finally {
      await session.close();
    }
  }

  /** One result per request, in request order; connects on the first request. */
  async *export(requests: AsyncIterable<ExportRequest>, options: ExportOptions = {}): AsyncGenerator<ExportResult> {
    let session: LdapClientSession | null = null;
    const sessions: SessionSource = {
      current: async () => (session ??= await this.open({})),
      reset: async () => {
        const dropped = session;
        session = null;
        await dropped?.close();
      },
    };
    const writer = new LdapWriter(this.config, this.flavour, this.mapping, sessions, options.signal);
    try {
      for await (const request of requests) yield await writer.exportOne(request);
    } finally {
      await (session as LdapClientSession | null)?.close();
    }
  }

  async close(): Promise<void> {}

  private open(options: ImportOptions): Promise<LdapClientSession> {
    const password = resolveSecret(this.config.password, `connectors.${this.config.name}.password`);
    const config = options.pageSize !== undefined ? { ...this.config, pageSize: options.pageSize } : this.config;
    return openLdapSession(config, password, this.mapping);
  }
}
