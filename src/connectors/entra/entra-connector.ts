import { readFileSync } from 'node:fs';
import type { EntraConnectorConfig } from '../../config/index.js';
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
import { ConfigError } from '../../core/errors.js';
import { TokenSource, type EntraCredential } from './graph-auth.js';
import { GraphClient } from './graph-client.js';
import { HttpTransport } from './graph-http.js';
import { EntraReader } from './entra-reader.js';
import { EntraWriter } from './entra-writer.js';

/** The group anchor extension when none is configured: `extension_<clientId without dashes>_idsyncSourceAnchor`. */
export function defaultGroupAnchorProperty(clientId: string): string {
  return `extension_${clientId.replace(/-/g, '').toLowerCase()}_idsyncSourceAnchor`;
}

function readFile(path: string, field: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`${field}: cannot read ${path}`, { field }, { cause: error });
  }
}

/** The x5c value of a PEM certificate: its base64 DER, without the armour. */
function x5cOf(pem: string): string {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}

function credentialOf(config: EntraConnectorConfig, env: NodeJS.ProcessEnv): EntraCredential {
  const field = `connector "${config.name}"`;
  if ((config.clientSecret === undefined) === (config.certificate === undefined)) {
    throw new ConfigError(`${field}: give exactly one credential: clientSecret (a secret reference) or certificate`, {
      field: 'clientSecret',
    });
  }
  if (config.clientSecret !== undefined) {
    return { kind: 'secret', secret: resolveSecret(config.clientSecret, `${field}.clientSecret`, env) };
  }
  const certificate = config.certificate as NonNullable<EntraConnectorConfig['certificate']>;
  return {
    kind: 'certificate',
    privateKey: readFile(certificate.privateKeyFile, `${field}.certificate.privateKeyFile`),
    thumbprint: certificate.thumbprint,
    ...(certificate.certificateFile !== undefined
      ? { x5c: x5cOf(readFile(certificate.certificateFile, `${field}.certificate.certificateFile`)) }
      : {}),
  };
}

/**
 * Microsoft Entra ID over Microsoft Graph v1.0, presenting users and groups as Entra Connect's AAD
 * connector does (`sourceAnchor`, `cloudAnchor`, DN `CN={hex}`). Credentials are resolved when the
 * connector is created, never logged.
 */
export class EntraConnector implements Connector {
  readonly name: string;
  readonly capabilities: ConnectorCapabilities = {
    deltaImport: 'native',
    canExport: true,
    referenceAttributes: ['member'],
  };
  private readonly transport: HttpTransport;
  private readonly reader: EntraReader;
  private readonly writer: EntraWriter;

  constructor(config: EntraConnectorConfig, env: NodeJS.ProcessEnv = process.env) {
    this.name = config.name;
    const credential = credentialOf(config, env);
    const ca = config.caFile !== undefined ? readFile(config.caFile, `connector "${config.name}".caFile`) : null;
    this.transport = new HttpTransport(ca, config.timeoutMs);
    const tokens = new TokenSource(
      {
        connector: config.name,
        tenantId: config.tenantId,
        clientId: config.clientId,
        authority: config.authority,
        graphUrl: config.graphUrl,
        credential,
      },
      this.transport,
    );
    const graph = new GraphClient(
      { connector: config.name, graphUrl: config.graphUrl, maxRetries: config.maxRetries },
      tokens,
      this.transport,
    );
    const groupAnchorProperty = config.groupAnchorProperty ?? defaultGroupAnchorProperty(config.clientId);
    const common = { connector: config.name, groupAnchorProperty, batchSize: config.batchSize };
    this.reader = new EntraReader(graph, { ...common, pageSize: config.pageSize, concurrency: config.concurrency });
    this.writer = new EntraWriter(graph, { ...common, graphUrl: config.graphUrl, pageSize: config.pageSize });
  }

  fullImport(options?: ImportOptions): AsyncIterable<ImportItem> {
    return this.reader.fullImport(options?.pageSize);
  }

  deltaImport(watermark: string): AsyncIterable<ImportItem> {
    return this.reader.deltaImport(watermark);
  }

  export(requests: AsyncIterable<ExportRequest>, _options?: ExportOptions): AsyncIterable<ExportResult> {
    return this.writer.export(requests);
  }

  close(): Promise<void> {
    this.transport.close();
    return Promise.resolve();
  }
}
