import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpTransport } from '../../src/connectors/entra/graph-http.js';
import { startGraphEmulator, type GraphEmulator } from './graph-emulator.js';
import { CLIENT_ID, CLIENT_SECRET, TENANT_ID } from './harness.js';
import { createThrowawayTls, type ThrowawayTls } from './tls.js';

let tls: ThrowawayTls;
let emulator: GraphEmulator;
let http: HttpTransport;
let token: string;

/** The parts of Graph answers these tests read (each answer has only some of them). */
interface GraphJson {
  readonly id: string;
  readonly value: Record<string, unknown>[];
  readonly error: { readonly code: string; readonly message: string };
  readonly responses: { readonly id: string; readonly status: number }[];
  readonly '@odata.nextLink': string;
  readonly '@odata.deltaLink': string;
}

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: GraphJson }> {
  const response = await http.send({
    method,
    url: path.startsWith('https://') ? path : `${emulator.url}/v1.0${path}`,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, json: (response.text === '' ? {} : JSON.parse(response.text)) as GraphJson };
}

beforeAll(async () => {
  tls = await createThrowawayTls();
  emulator = await startGraphEmulator({ tenantId: TENANT_ID, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, tls });
  http = new HttpTransport(tls.cert, 10_000);
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    scope: `${emulator.url}/.default`,
  });
  const response = await http.send({
    method: 'POST',
    url: `${emulator.url}/${TENANT_ID}/oauth2/v2.0/token`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  token = (JSON.parse(response.text) as { access_token: string }).access_token;
});

afterAll(async () => {
  http.close();
  await emulator.close();
  await tls.cleanup();
});

describe('Graph emulator: documented shapes', () => {
  it('answers errors with { error: { code, message } }', async () => {
    const { status, json } = await call('GET', '/users/00000000-0000-0000-0000-000000000000');
    expect(status).toBe(404);
    expect(json.error).toMatchObject({ code: 'Request_ResourceNotFound', message: expect.any(String) });
  });

  it('refuses more than 20 requests in a $batch', async () => {
    const requests = Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET', url: '/users' }));
    const { status, json } = await call('POST', '/$batch', { requests });
    expect(status).toBe(400);
    expect(json.error.message).toContain('20');
  });

  it('answers a $batch request by request, with 424 for a failed dependency', async () => {
    const { json } = await call('POST', '/$batch', {
      requests: [
        { id: '1', method: 'PATCH', url: '/users/missing', body: { displayName: 'x' } },
        { id: '2', method: 'GET', url: '/users', dependsOn: ['1'] },
      ],
    });
    expect(json.responses.map((r) => [r.id, r.status])).toEqual([
      ['1', 404],
      ['2', 424],
    ]);
  });

  it('pages with @odata.nextLink and ends delta rounds with @odata.deltaLink, @removed and members@delta', async () => {
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      const { json } = await call('POST', '/users', {
        accountEnabled: true,
        displayName: `U${n}`,
        mailNickname: `u${n}`,
        userPrincipalName: `u${n}@contoso.com`,
        passwordProfile: { password: 'x', forceChangePasswordNextSignIn: false },
      });
      ids.push(json.id);
    }
    const page = await call('GET', '/users?$select=id,displayName&$top=2');
    expect(page.json.value).toHaveLength(2);
    expect(Object.keys(page.json.value[0] ?? {}).sort()).toEqual(['displayName', 'id']);
    expect((await call('GET', page.json['@odata.nextLink'])).json.value).toHaveLength(1);

    const latest = await call('GET', '/groups/delta?$select=id,displayName&$deltatoken=latest');
    const group = await call('POST', '/groups', {
      displayName: 'G',
      mailNickname: 'g',
      mailEnabled: false,
      securityEnabled: true,
    });
    await call('POST', `/groups/${group.json.id}/members/$ref`, {
      '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${ids[0] as string}`,
    });
    await call('DELETE', `/users/${ids[1] as string}`);
    const groups = await call('GET', latest.json['@odata.deltaLink']);
    expect(groups.json.value).toEqual([
      {
        id: group.json.id,
        displayName: 'G',
        'members@delta': [{ '@odata.type': '#microsoft.graph.user', id: ids[0] }],
      },
    ]);
    expect(groups.json['@odata.deltaLink']).toMatch(/\/v1\.0\/groups\/delta\?\$deltatoken=/);
    const users = await call('GET', '/users/delta?$select=id');
    const removed = await call('GET', users.json['@odata.deltaLink']);
    expect(removed.json.value).toEqual([]);
    await call('DELETE', `/users/${ids[2] as string}`);
    const after = await call('GET', users.json['@odata.deltaLink']);
    expect(after.json.value).toEqual([{ id: ids[2], '@removed': { reason: 'changed' } }]);
  });

  it('refuses writes to properties Graph computes itself', async () => {
    const { status, json } = await call('POST', '/users', {
      accountEnabled: true,
      displayName: 'P',
      mailNickname: 'p',
      userPrincipalName: 'p@contoso.com',
      passwordProfile: { password: 'x' },
      proxyAddresses: ['SMTP:p@contoso.com'],
    });
    expect(status).toBe(400);
    expect(json.error.message).toBe("Property 'proxyAddresses' is read-only and cannot be set.");
  });
});
