import {
  AlreadyExistsError,
  BusyError,
  InsufficientAccessError,
  InvalidCredentialsError,
  NoSuchObjectError,
} from 'ldapts';
import { describe, expect, it } from 'vitest';
import { isRetryableFailure, toExportFailure, translateLdapError } from './ldap-errors.js';

const WHERE = 'connector "src": ldap://127.0.0.1:389';

function systemError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('translateLdapError', () => {
  it('gives distinct kinds for credentials, access, network and TLS failures', () => {
    expect(translateLdapError(new InvalidCredentialsError(), WHERE, 'bind')).toMatchObject({
      kind: 'authentication',
      message: `${WHERE}: bind failed: invalid credentials`,
    });
    expect(translateLdapError(new InsufficientAccessError(), WHERE, 'search').kind).toBe('authorization');
    expect(translateLdapError(systemError('ECONNREFUSED', 'connect ECONNREFUSED'), WHERE, 'bind')).toMatchObject({
      kind: 'connectivity',
      isRetryable: true,
    });
    expect(
      translateLdapError(systemError('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'), WHERE, 'bind').kind,
    ).toBe('tls');
    expect(
      translateLdapError(new Error('Connection closed before message response was received'), WHERE, 'search').kind,
    ).toBe('connectivity');
    expect(translateLdapError(new BusyError(), WHERE, 'search')).toMatchObject({
      kind: 'connectivity',
      isRetryable: true,
    });
  });
});

describe('toExportFailure', () => {
  it('maps result codes to the export error vocabulary, per operation', () => {
    expect(toExportFailure(new AlreadyExistsError(), 'add', 'uid=a')).toMatchObject({
      type: 'cd-existing-object',
      code: '68',
      isRetryable: false,
    });
    expect(toExportFailure(new AlreadyExistsError(), 'rename', 'uid=a').type).toBe('rename-to-existing-dn');
    expect(toExportFailure(new NoSuchObjectError(), 'add', 'uid=a').type).toBe('non-existent-parent');
    expect(toExportFailure(new NoSuchObjectError(), 'modify', 'uid=a').type).toBe('cd-missing-object');
    expect(toExportFailure(new InsufficientAccessError(), 'delete', 'uid=a').type).toBe('permission-issue');
    expect(toExportFailure(new BusyError(), 'modify', 'uid=a')).toMatchObject({ type: 'cd-error', isRetryable: true });
  });

  it('retries busy servers and dropped connections, not refusals', () => {
    expect(isRetryableFailure(new BusyError())).toBe(true);
    expect(isRetryableFailure(systemError('ECONNRESET', 'read ECONNRESET'))).toBe(true);
    expect(isRetryableFailure(new AlreadyExistsError())).toBe(false);
    expect(isRetryableFailure(new InvalidCredentialsError())).toBe(false);
  });
});
