import type { EntraConnectorConfig } from '../../config/index.js';
import type { Connector } from '../../core/connector.js';
import { EntraConnector } from './entra-connector.js';

export { EntraConnector, defaultGroupAnchorProperty } from './entra-connector.js';
export { cloudDn, sourceAnchorOfDn } from './entra-mapping.js';

/** The `entra` connector: Microsoft Entra ID over Microsoft Graph v1.0. */
export function createEntraConnector(config: EntraConnectorConfig): Connector {
  return new EntraConnector(config);
}
