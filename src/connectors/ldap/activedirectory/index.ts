import type { LdapFlavour } from '../flavour.js';
import { prepareActiveDirectoryAdd } from './ad-export.js';
import { readDirSyncChanges, readDirSyncWatermark } from './dirsync-reader.js';

const BINARY_ATTRIBUTES = ['objectGUID', 'objectSid', 'mS-DS-ConsistencyGuid', 'jpegPhoto', 'thumbnailPhoto'] as const;

/** objectGUID bytes (as stored, .NET Guid.ToByteArray order) → base64, the anchor and sourceAnchor form. */
function anchorOf(raw: string | Buffer): string {
  return (typeof raw === 'string' ? Buffer.from(raw, 'binary') : raw).toString('base64');
}

/**
 * Active Directory: objectGUID anchor (base64), delta import by the DirSync control and its cookie
 * (incremental member values, deletes from tombstones), disabled-by-default users on add.
 */
export const activeDirectoryFlavour: LdapFlavour = {
  name: 'activedirectory',
  anchorAttribute: 'objectGUID',
  binaryAttributes: BINARY_ATTRIBUTES,
  extraAttributes: ['objectGUID'],
  anchorOf,
  currentWatermark: (session) => readDirSyncWatermark(session, BINARY_ATTRIBUTES),
  deltaImport: (session, watermark, options) =>
    readDirSyncChanges(session, watermark, BINARY_ATTRIBUTES, anchorOf, options),
  prepareAdd: prepareActiveDirectoryAdd,
};

export { DirSyncControl, DIRSYNC_FLAGS, DIRSYNC_OID } from './dirsync-control.js';
