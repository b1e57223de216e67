import { createCsObject } from '../../../src/core/connector-space.js';
import { spawnSync } from 'node:child_process';

import type { CsObject, Entry } from '../../../src/core/connector-space.js';
import type { MvObject } from '../../../src/core/metaverse.js';
import type { StateStore } from '../../../src/core/state-store.js';
import type { Attributes } from '../../../src/core/values.js';

/** What a contract run gets from the implementation under test. */
export interface StateStoreHarness {
  store: StateStore;
  /** Closes nothing; opens a new handle on the same persisted state. */
  reopen?: () => Promise<StateStore>;
  cleanup: () => Promise<void>;
}

export type OpenStateStore = () => Promise<StateStoreHarness>;

/** The harness of the current test (set in `beforeEach`). */
export type CurrentHarness = () => StateStoreHarness;

export const CONNECTOR = 'corp-ad';
export const OTHER_CONNECTOR = 'cloud';

/** A GUID-shaped id (upper case) that sorts by `n`. */
export function guid(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).toUpperCase().padStart(12, '0')}`;
}

export function entry(dn: string, attributes: Attributes, objectType = 'user'): Entry {
  return { dn, objectType, attributes };
}

/** A CS object with an empty tower; override what a test needs. */
export function csObject(n: number, overrides: Partial<CsObject> = {}): CsObject {
  return createCsObject({
    id: guid(n),
    connector: CONNECTOR,
    dn: `CN=User ${n},OU=Staff,DC=x`,
    anchor: `anchor-${n}`,
    objectType: 'user',
    modifiedAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  });
}

/** A CS object with every tower part set, using every kind of attribute value. */
export function fullTowerObject(n: number): CsObject {
  const dn = `CN=Jane Doe ${n},OU=Staff,DC=x`;
  const guidBytes = Uint8Array.from([0, 1, 2, 127, 128, 200, 255, n % 256]);
  const attributes: Attributes = {
    objectGUID: [guidBytes],
    accountExpires: [9223372036854775807n],
    uSNChanged: [123456],
    isCriticalSystemObject: [false],
    mail: ['Jane.Doe@example.com'],
    proxyAddresses: ['SMTP:jane@example.com', 'smtp:jd@example.com'],
    manager: [{ ref: 'CN=Boss,OU=Staff,DC=x' }],
    jpegPhoto: [new Uint8Array(0)],
  };
  return csObject(n, {
    dn,
    synchronizedHologram: entry(dn, attributes),
    pendingImport: {
      operation: 'update',
      entry: entry(dn, { ...attributes, mail: ['jane@example.com'], enabled: [true] }),
    },
    unappliedExport: {
      operation: 'update',
      dn,
      newDn: `CN=Jane Doe ${n},OU=Moved,DC=x`,
      objectType: 'user',
      changes: [
        { operation: 'replace', name: 'accountExpires', values: [-1n] },
        { operation: 'update', name: 'member', add: [{ ref: 'CN=A,DC=x' }], remove: [{ ref: 'CN=B,DC=x' }] },
        { operation: 'add', name: 'thumbnailPhoto', values: [Uint8Array.from([1, 2, 3])] },
        { operation: 'delete', name: 'description' },
      ],
      sources: { accountExpires: 'Out to AD - User Join' },
    },
    escrowedExport: { operation: 'add', dn, objectType: 'user', changes: [] },
    exportError: {
      type: 'cd-error',
      code: '0x2105',
      message: 'constraint violation',
      detail: 'attribute "mail"',
      firstOccurred: '2025-01-01T00:00:00.000Z',
      dateOccurred: '2025-01-02T00:00:00.000Z',
      retryCount: 3,
    },
    importError: { type: 'duplicate-anchor', message: 'anchor seen twice', dateOccurred: '2025-01-02T00:00:00.000Z' },
    mvId: guid(9000 + n),
    connectorState: 'explicit',
    linkRule: 'In from AD - User Join',
    isProvisioned: true,
    lastImportRun: 7,
    modifiedAt: '2025-01-03T04:05:06.789Z',
  });
}

export function mvObject(n: number, attributes: Attributes, objectType = 'person'): MvObject {
  return {
    id: guid(9000 + n),
    objectType,
    attributes,
    contributions: { mail: { connector: CONNECTOR, rule: 'In from AD - User Common', csId: guid(n) } },
    modifiedAt: '2025-01-01T00:00:00.000Z',
  };
}

export async function collect<T>(pages: AsyncIterable<T[]>): Promise<T[][]> {
  const out: T[][] = [];
  for await (const page of pages) out.push(page);
  return out;
}

export function ids(objects: readonly { id: string }[]): string[] {
  return objects.map((o) => o.id);
}

/** The pid of a process of this host that has exited. */
export function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  if (child.pid === undefined) throw new Error('could not start a child process to obtain a dead pid');
  return child.pid;
}
