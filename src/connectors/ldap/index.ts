import type { LdapConnectorConfig } from '../../config/index.js';
import type { Connector } from '../../core/connector.js';
import { activeDirectoryFlavour } from './activedirectory/index.js';
import type { LdapFlavour } from './flavour.js';
import { LdapConnector } from './ldap-connector.js';
import { installLeanSearchEntry } from './lean-search-entry.js';
import { openLdapFlavour } from './openldap/index.js';

/** The `ldap` connector for a validated config, with the flavour it names. */
export function createLdapConnector(config: LdapConnectorConfig): Connector {
  installLeanSearchEntry();
  const flavour: LdapFlavour = config.flavour === 'openldap' ? openLdapFlavour : activeDirectoryFlavour;
  return new LdapConnector(config, flavour);
}

export { LdapConnector } from './ldap-connector.js';
export type { LdapFlavour, LdapSession } from './flavour.js';
export { escapeFilterValue, wireDn } from './ldap-filter.js';
