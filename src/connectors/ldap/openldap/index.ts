import { ConnectorError } from '../../../core/errors.js';
import type { LdapFlavour } from '../flavour.js';

/** STUB: OpenLDAP (entryUUID anchor, accesslog delta import). */
export const openLdapFlavour: LdapFlavour = {
  name: 'openldap',
  anchorAttribute: 'entryUUID',
  binaryAttributes: ['jpegPhoto'],
  extraAttributes: ['entryUUID'],
  anchorOf: (raw) => (typeof raw === 'string' ? raw : raw.toString('utf8')),
  currentWatermark: () => Promise.reject(new ConnectorError('openldap flavour not built yet', 'protocol')),
  deltaImport: async function* () {
    await Promise.resolve();
    throw new ConnectorError('openldap flavour not built yet', 'protocol');
  },
};
