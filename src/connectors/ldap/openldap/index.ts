import type { LdapFlavour, LdapSession } from '../flavour.js';
import { translateLdapError } from '../ldap-errors.js';
import {
  readAccesslogDelta,
  readNewestReqStart,
  renderAccesslogWatermark,
  UNAVAILABLE_WATERMARK,
} from './accesslog.js';

/** noSuchObject: the accesslog database is not configured. */
function isMissingBase(error: unknown): boolean {
  const cause = error instanceof Error ? error.cause : undefined;
  return [error, cause].some((e) => e !== null && typeof e === 'object' && 'code' in e && e.code === 32);
}

/** OpenLDAP: entryUUID anchor (lower-case, as slapd writes it), accesslog delta import. */
export const openLdapFlavour: LdapFlavour = {
  name: 'openldap',
  anchorAttribute: 'entryUUID',
  binaryAttributes: ['jpegPhoto'],
  extraAttributes: ['entryUUID', 'structuralObjectClass'],
  anchorOf: (raw) => (typeof raw === 'string' ? raw : raw.toString('utf8')).toLowerCase(),
  async currentWatermark(session: LdapSession): Promise<string> {
    try {
      return renderAccesslogWatermark(await readNewestReqStart(session));
    } catch (error) {
      // No accesslog: full imports still work; the next delta import explains and falls back.
      if (isMissingBase(error)) return UNAVAILABLE_WATERMARK;
      throw translateLdapError(error, `connector "${session.config.name}"`, 'read of the accesslog');
    }
  },
  deltaImport: (session, watermark, options) => readAccesslogDelta(session, watermark, options),
};
