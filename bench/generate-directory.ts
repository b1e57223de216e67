import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/**
 * Generates a synthetic Active Directory as LDIF: users (with managers), security and mail-enabled
 * groups with memberships, and contacts. Deterministic for a seed, streamed to disk (1M users fit
 * in constant memory).
 */
export interface DirectoryShape {
  readonly users: number;
  readonly groups: number;
  readonly contacts: number;
  /** Members per group (users picked deterministically). */
  readonly membersPerGroup: number;
  readonly seed: number;
  /** Changes 1 in `changeEvery` users' attributes (and renames/deletes some): a later snapshot. */
  readonly changeEvery?: number;
}

const FIRST = [
  'Ada',
  'Alan',
  'Grace',
  'Linus',
  'Margaret',
  'Ken',
  'Barbara',
  'Dennis',
  'Frances',
  'Edsger',
  'Radia',
  'Tim',
  'Katherine',
  'Donald',
  'Hedy',
  'Niklaus',
  'Élodie',
  'Jürgen',
  'Søren',
  'Zoë',
];
const LAST = [
  'Lovelace',
  'Turing',
  'Hopper',
  'Torvalds',
  'Hamilton',
  'Thompson',
  'Liskov',
  'Ritchie',
  'Allen',
  'Dijkstra',
  'Perlman',
  'Berners-Lee',
  'Johnson',
  'Knuth',
  'Lamarr',
  'Wirth',
  'Müller',
  "O'Brien",
  'Nuñez',
  'Smith, Jr.',
];
const DEPARTMENTS = ['Engineering', 'Sales', 'Finance', 'Legal', 'Support', 'Marketing', 'Research', 'Operations'];
const BASE = 'DC=contoso,DC=com';

function guidBytes(kind: number, index: number, seed: number): Buffer {
  const bytes = Buffer.alloc(16);
  bytes.writeUInt32LE(index >>> 0, 0);
  bytes.writeUInt32LE(kind, 4);
  bytes.writeUInt32LE(seed >>> 0, 8);
  bytes.writeUInt32LE(Math.imul(index + 1, 2654435761) >>> 0, 12);
  return bytes;
}

function sidBytes(rid: number): Buffer {
  const sid = Buffer.alloc(28);
  sid[0] = 1;
  sid[1] = 5;
  sid[7] = 5;
  sid.writeUInt32LE(21, 8);
  sid.writeUInt32LE(1004336348, 12);
  sid.writeUInt32LE(1177238915, 16);
  sid.writeUInt32LE(682003330, 20);
  sid.writeUInt32LE(rid, 24);
  return sid;
}

function escapeRdn(value: string): string {
  return value.replace(/([,+"\\<>;=])/g, '\\$1');
}

function line(name: string, value: string): string {
  const isSafe = /^[\x21-\x39\x3b\x3d-\x7e][\x20-\x7e]*$/.test(value) && !value.endsWith(' ');
  return isSafe ? `${name}: ${value}\n` : `${name}:: ${Buffer.from(value, 'utf8').toString('base64')}\n`;
}

function userName(i: number): { given: string; sn: string; cn: string; sam: string } {
  const given = FIRST[i % FIRST.length] as string;
  const sn = LAST[Math.floor(i / FIRST.length) % LAST.length] as string;
  return { given, sn, cn: `${given} ${sn} ${i}`, sam: `u${String(i).padStart(7, '0')}` };
}

export function userDn(i: number, shape: DirectoryShape): string {
  const moved = shape.changeEvery !== undefined && i % (shape.changeEvery * 7) === 3;
  const ou = moved ? 'OU=Moved,OU=Users' : 'OU=Users';
  return `CN=${escapeRdn(userName(i).cn)},${ou},${BASE}`;
}

function userRecord(i: number, shape: DirectoryShape): string | null {
  const changed = shape.changeEvery !== undefined && i % shape.changeEvery === 0;
  if (shape.changeEvery !== undefined && i % (shape.changeEvery * 11) === 5) return null;
  const n = userName(i);
  const upn = `${n.sam}@contoso.com`;
  let out = line('dn', userDn(i, shape));
  out += 'objectClass: top\nobjectClass: person\nobjectClass: organizationalPerson\nobjectClass: user\n';
  out += line('cn', n.cn) + line('givenName', n.given) + line('sn', n.sn);
  out += line('displayName', changed ? `${n.given} ${n.sn} (changed)` : `${n.given} ${n.sn}`);
  out += line('sAMAccountName', n.sam) + line('userPrincipalName', upn) + line('mail', `${n.sam}@contoso.com`);
  out +=
    line('proxyAddresses', `smtp:${n.sam}@contoso.mail.onmicrosoft.com`) +
    line('proxyAddresses', `SMTP:${n.sam}@contoso.com`);
  out += `objectGUID:: ${guidBytes(1, i, shape.seed).toString('base64')}\n`;
  out += `objectSid:: ${sidBytes(1000 + i).toString('base64')}\n`;
  out += line('userAccountControl', i % 20 === 7 ? '514' : '512');
  out += line('department', DEPARTMENTS[(i + (changed ? 1 : 0)) % DEPARTMENTS.length] as string);
  out += line('title', i % 10 === 0 ? 'Manager' : 'Engineer');
  out += line('employeeID', String(100000 + i));
  if (i > 0)
    out += line(
      'manager',
      userDn(Math.floor(i / 10) * 10 === i ? Math.floor(i / 100) * 10 : Math.floor(i / 10) * 10, shape),
    );
  return out + '\n';
}

function groupRecord(g: number, shape: DirectoryShape): string {
  const name = `Group ${String(g).padStart(5, '0')}`;
  let out = line('dn', `CN=${name},OU=Groups,${BASE}`);
  out += 'objectClass: top\nobjectClass: group\n';
  out += line('cn', name) + line('sAMAccountName', `g${g}`) + line('displayName', name);
  out += line('groupType', g % 3 === 0 ? '8' : '-2147483646');
  out += `objectGUID:: ${guidBytes(2, g, shape.seed).toString('base64')}\n`;
  out += `objectSid:: ${sidBytes(5000000 + g).toString('base64')}\n`;
  if (g % 3 === 0) out += line('mail', `group${g}@contoso.com`) + line('proxyAddresses', `SMTP:group${g}@contoso.com`);
  const extra = shape.changeEvery !== undefined && g % shape.changeEvery === 0 ? 1 : 0;
  for (let m = 0; m < shape.membersPerGroup + extra; m++) {
    const member = (g * 7919 + m * 104729) % shape.users;
    if (shape.changeEvery !== undefined && member % (shape.changeEvery * 11) === 5) continue;
    out += line('member', userDn(member, shape));
  }
  return out + '\n';
}

function contactRecord(c: number, shape: DirectoryShape): string {
  const name = `Partner Contact ${c}`;
  let out = line('dn', `CN=${name},OU=Contacts,${BASE}`);
  out += 'objectClass: top\nobjectClass: person\nobjectClass: organizationalPerson\nobjectClass: contact\n';
  out += line('cn', name) + line('displayName', name) + line('mail', `contact${c}@partner.example`);
  out += line('proxyAddresses', `SMTP:contact${c}@partner.example`);
  out += `objectGUID:: ${guidBytes(3, c, shape.seed).toString('base64')}\n`;
  return out + '\n';
}

/** Writes the directory to `path`; resolves with the number of records written. */
export async function writeDirectoryLdif(path: string, shape: DirectoryShape): Promise<number> {
  const out = createWriteStream(path);
  let records = 0;
  let chunk = 'version: 1\n\n';
  const emit = async (text: string | null) => {
    if (text === null) return;
    records++;
    chunk += text;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  };
  for (let i = 0; i < shape.users; i++) await emit(userRecord(i, shape));
  for (let g = 0; g < shape.groups; g++) await emit(groupRecord(g, shape));
  for (let c = 0; c < shape.contacts; c++) await emit(contactRecord(c, shape));
  out.end(chunk);
  await once(out, 'finish');
  return records;
}

if (process.argv[1]?.endsWith('generate-directory.ts')) {
  const [path, users = '300', groups = '30', contacts = '10'] = process.argv.slice(2);
  if (!path) throw new Error('usage: generate-directory.ts <out.ldif> [users] [groups] [contacts]');
  const n = await writeDirectoryLdif(path, {
    users: Number(users),
    groups: Number(groups),
    contacts: Number(contacts),
    membersPerGroup: Math.min(25, Number(users)),
    seed: 42,
  });
  console.log(`wrote ${n} records to ${path}`);
}
