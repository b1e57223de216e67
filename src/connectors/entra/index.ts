import type { EntraConnectorConfig } from '../../config/index.js';
import type { Connector } from '../../core/connector.js';

/** STUB until the entra connector is built. */
export function createEntraConnector(config: EntraConnectorConfig): Connector {
  throw new Error(`connector "${config.name}": the entra connector is not built yet`);
}
