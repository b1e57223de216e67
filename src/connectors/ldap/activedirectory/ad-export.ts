import type { Entry } from '../../../core/connector-space.js';
import type { ExportRequest } from '../../../core/connector.js';
import type { AttributeValue } from '../../../core/values.js';

/** userAccountControl bits ([MS-ADTS] 2.2.16). */
export const UAC = {
  accountDisable: 0x2,
  passwordNotRequired: 0x20,
  normalAccount: 0x200,
} as const;

/**
 * What a new user gets when the export does not say: a normal account, disabled (AD refuses an
 * enabled account without a password that meets the policy, and idsync writes no passwords).
 */
export const DEFAULT_NEW_USER_UAC = UAC.normalAccount | UAC.accountDisable;

/** Attributes the DC assigns itself on add; writing them is refused (constraintViolation / unwillingToPerform). */
const SERVER_ASSIGNED = new Set(
  [
    'objectGUID',
    'objectSid',
    'sAMAccountType',
    'distinguishedName',
    'name',
    'instanceType',
    'whenCreated',
    'whenChanged',
    'uSNCreated',
    'uSNChanged',
    'isDeleted',
    'lastKnownParent',
    'primaryGroupID',
    'pwdLastSet',
    'memberOf',
  ].map((n) => n.toLowerCase()),
);

function classesOf(target: Entry): string[] {
  const key = Object.keys(target.attributes).find((k) => k.toLowerCase() === 'objectclass');
  const values = key !== undefined ? (target.attributes[key] ?? []) : [];
  return values.map((v) => String(v).toLowerCase());
}

/** A user account (not a computer, which is a subclass of user, nor a contact or group). */
function isUserAccount(request: ExportRequest, target: Entry): boolean {
  const classes = classesOf(target);
  if (classes.length > 0) return classes.includes('user') && !classes.includes('computer');
  return request.objectType.toLowerCase() === 'user';
}

/**
 * Active Directory adjustments of an add: server-assigned attributes are dropped, and a user
 * without userAccountControl is created as a disabled normal account (see DEFAULT_NEW_USER_UAC).
 */
export function prepareActiveDirectoryAdd(request: ExportRequest, target: Entry): Entry {
  const attributes: Record<string, readonly AttributeValue[]> = {};
  for (const [name, values] of Object.entries(target.attributes)) {
    if (!SERVER_ASSIGNED.has(name.toLowerCase())) attributes[name] = values;
  }
  const hasUac = Object.keys(attributes).some((n) => n.toLowerCase() === 'useraccountcontrol');
  if (!hasUac && isUserAccount(request, target)) attributes.userAccountControl = [String(DEFAULT_NEW_USER_UAC)];
  return { ...target, attributes };
}
