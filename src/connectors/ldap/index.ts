import type { LdapConnectorConfig } from '../../config/index.js';
import type { Connector } from '../../core/connector.js';

/** STUB until the ldap connector is built. */
export function createLdapConnector(config: LdapConnectorConfig): Connector {
  throw new Error(`connector "${config.name}": the ldap connector is not built yet`);
}
