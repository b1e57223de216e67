import { ConnectorError } from '../../../core/errors.js';
import type { LdapFlavour } from '../flavour.js';

/** STUB: Active Directory (objectGUID anchor, DirSync delta import). */
export const activeDirectoryFlavour: LdapFlavour = {
  name: 'activedirectory',
  anchorAttribute: 'objectGUID',
  binaryAttributes: ['objectGUID', 'objectSid', 'mS-DS-ConsistencyGuid', 'jpegPhoto', 'thumbnailPhoto'],
  extraAttributes: ['objectGUID'],
  anchorOf: (raw) => (typeof raw === 'string' ? Buffer.from(raw, 'binary') : raw).toString('base64'),
  currentWatermark: () => Promise.reject(new ConnectorError('activedirectory flavour not built yet', 'protocol')),
  deltaImport: async function* () {
    await Promise.resolve();
    throw new ConnectorError('activedirectory flavour not built yet', 'protocol');
  },
};
