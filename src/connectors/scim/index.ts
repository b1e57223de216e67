import type { ScimConnectorConfig } from '../../config/index.js';
import type { Connector } from '../../core/connector.js';

/** STUB until the scim connector is built. */
export function createScimConnector(config: ScimConnectorConfig): Connector {
  throw new Error(`connector "${config.name}": the scim connector is not built yet`);
}
