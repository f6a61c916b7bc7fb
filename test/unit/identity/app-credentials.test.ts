import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningCloud } from '../../../reference-cloud/core/cloud';
import { World, useTestCloud, assertError, assertSchema, call, denied, login, tokenValid, unique } from './helpers';

let cloud: RunningCloud;
let admin: string;
let w: World;

useTestCloud((c) => ({ cloud, admin, w } = c));

const acPath = (userId: string) => `/v3/users/${userId}/application_credentials`;

async function create(token: string, userId: string, body: Record<string, unknown>) {
  return call(cloud, 'POST', acPath(userId), { token, body: { application_credential: body } });
}

async function acAuth(body: Record<string, unknown>) {
  return call(cloud, 'POST', '/v3/auth/tokens', { body: { auth: { identity: { methods: ['application_credential'], application_credential: body } } } });
}

describe('application credentials', () => {
  test('create: the secret is generated (86 urlsafe chars), shown once, and authenticates', async () => {
    const m = await w.member('member');
    const r = await create(m.token, m.id, { name: unique('ci'), description: 'for CI' });
    assert.equal(r.status, 201, r.text);
    assertSchema('identity/application-credential-created', r.body);
    const ac = r.body.application_credential;
    assert.deepEqual(Object.keys(ac), ['id', 'name', 'description', 'user_id', 'project_id', 'system', 'expires_at', 'unrestricted', 'roles', 'secret', 'links']);
    assert.match(ac.secret, /^[A-Za-z0-9_-]{86}$/);
    assert.equal(ac.project_id, m.projectId);
    assert.equal(ac.user_id, m.id);
    assert.equal(ac.unrestricted, null);
    assert.equal(ac.expires_at, null);
    assert.equal(ac.links.self, `${cloud.authUrl}/application_credentials/${ac.id}`);
    assert.deepEqual(ac.roles.map((x: any) => x.name).sort(), ['member', 'reader'], 'defaults to the token\'s roles');
    assert.deepEqual(Object.keys(ac.roles[0]), ['id', 'name', 'domain_id', 'description', 'options']);

    const show = await call(cloud, 'GET', `${acPath(m.id)}/${ac.id}`, { token: m.token });
    assert.equal(show.status, 200);
    assertSchema('identity/application-credential', show.body);
    assert.equal(show.body.application_credential.secret, undefined);
    assert.ok(!show.text.includes(ac.secret));
    const list = await call(cloud, 'GET', acPath(m.id), { token: m.token });
    assertSchema('identity/application-credential-list', list.body);
    assert.ok(!list.text.includes(ac.secret));

    const t = await acAuth({ id: ac.id, secret: ac.secret });
    assert.equal(t.status, 201, t.text);
    assert.deepEqual(t.body.token.methods, ['application_credential']);
    assert.equal(t.body.token.project.id, m.projectId);
    assert.deepEqual(t.body.token.application_credential, { id: ac.id, name: ac.name, restricted: true });
    const byName = await acAuth({ name: ac.name, secret: ac.secret, user: { id: m.id } });
    assert.equal(byName.status, 201, byName.text);
    assertError(await acAuth({ id: ac.id, secret: 'not-the-secret' }), 401, 'The request you have made requires authentication.');
    assertError(await acAuth({ id: 'nonexistent', secret: 'x' }), 404, 'Could not find Application Credential: nonexistent.');
    assertError(await acAuth({ name: ac.name, secret: ac.secret }), 400,
      'Expecting to find user in application credential. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.');
  });

  test('roles: by name or id, limited to the token\'s roles; tokens carry only those roles', async () => {
    const m = await w.member('member');
    let r = await create(m.token, m.id, { name: unique('ro'), roles: [{ name: 'reader' }] });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.body.application_credential.roles.map((x: any) => x.name), ['reader']);
    const t = await acAuth({ id: r.body.application_credential.id, secret: r.body.application_credential.secret });
    assert.deepEqual(t.body.token.roles.map((x: any) => x.name), ['reader']);
    r = await create(m.token, m.id, { name: unique('byid'), roles: [{ id: await w.roleId('member') }] });
    assert.equal(r.status, 201, r.text);
    assertError(await create(m.token, m.id, { name: unique('x'), roles: [{ name: 'admin' }] }), 400,
      'Invalid application credential: Cannot create an application credential with unassigned role');
    assertError(await create(m.token, m.id, { name: unique('x'), roles: [{ id: 'nonexistent' }] }), 400,
      'Invalid application credential: Cannot create an application credential with unassigned role');
    assertError(await create(m.token, m.id, { name: unique('x'), roles: [{ name: 'nosuchrole' }] }), 404, 'Could not find role: nosuchrole.');
    assertError(await create(m.token, m.id, { name: unique('x'), roles: [{ name: 'reader', id: 'x' }] }), 400,
      /^Invalid input for field 'roles\/0': .* has too many properties|is not valid/);
  });

  test('bad input and conflicts', async () => {
    const m = await w.member('member');
    const name = unique('dup');
    assert.equal((await create(m.token, m.id, { name })).status, 201);
    assertError(await create(m.token, m.id, { name }), 409, `Conflict occurred attempting to store application_credential - Duplicate entry found with name ${name}.`);
    assertError(await create(m.token, m.id, { description: 'x' }), 400, "'name' is a required property");
    assertError(await call(cloud, 'POST', acPath(m.id), { token: m.token, body: {} }), 400, "'name' is a required property");
    assertError(await create(m.token, m.id, { name: 'x', unrestricted: 'yes' }), 400, /^Invalid input for field 'unrestricted': 'yes' is not of type 'boolean'/);
    assertError(await create(m.token, m.id, { name: 'x', expires_at: '2001-01-01T00:00:00Z' }), 400,
      "The 'expires_at' must not be before now. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.");
    assertError(await create(m.token, m.id, { name: 'x', expires_at: 'tomorrow' }), 400,
      'Timestamp not in expected format. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.');
    assertError(await create(m.token, m.id, { name: 'x', access_rules: [{ method: 'FETCH' }] }), 400,
      "Invalid input for field 'access_rules/0/method': 'FETCH' does not match '^(POST|GET|HEAD|PATCH|PUT|DELETE)$'");
  });

  test('expires_at, unrestricted and access_rules come back as Keystone writes them', async () => {
    const m = await w.member('member');
    const r = await create(m.token, m.id, {
      name: unique('full'), unrestricted: true, expires_at: '2099-01-01T00:00:00', secret: 'my-own-secret',
      access_rules: [{ service: 'compute', path: '/v2.1/servers', method: 'GET' }],
    });
    assert.equal(r.status, 201, r.text);
    const ac = r.body.application_credential;
    assert.equal(ac.expires_at, '2099-01-01T00:00:00.000000');
    assert.equal(ac.unrestricted, true);
    assert.equal(ac.secret, 'my-own-secret');
    assert.equal(ac.access_rules.length, 1);
    assert.match(ac.access_rules[0].id, /^[0-9a-f]{32}$/);
    assert.deepEqual(Object.keys(ac.access_rules[0]), ['id', 'service', 'path', 'method']);
    const t = await acAuth({ id: ac.id, secret: 'my-own-secret' });
    assert.equal(t.status, 201, t.text);
    assert.equal(t.body.token.application_credential.restricted, false);
    assert.ok(t.body.token.expires_at <= '2099-01-01T00:00:00.000000Z');
  });

  test('only the owner creates; owner, admin and system reader read; others get 403', async () => {
    const owner = await w.member('member');
    const other = await w.member('member');
    const r = await create(owner.token, owner.id, { name: unique('mine') });
    const ac = r.body.application_credential;
    assertError(await create(other.token, owner.id, { name: unique('x') }), 403, denied('identity:create_application_credential'));
    assertError(await create(admin, owner.id, { name: unique('x') }), 403, denied('identity:create_application_credential'));
    assertError(await call(cloud, 'GET', acPath(owner.id), { token: other.token }), 403, denied('identity:list_application_credentials'));
    // Ownership comes from the credential, not the path.
    assertError(await call(cloud, 'GET', `${acPath(other.id)}/${ac.id}`, { token: other.token }), 403, denied('identity:get_application_credential'));
    assertError(await call(cloud, 'DELETE', `${acPath(other.id)}/${ac.id}`, { token: other.token }), 403, denied('identity:delete_application_credential'));
    let l = await call(cloud, 'GET', acPath(owner.id), { token: admin });
    assert.equal(l.status, 200);
    assert.deepEqual(l.body.application_credentials.map((x: any) => x.id), [ac.id]);
    l = await call(cloud, 'GET', `${acPath(owner.id)}?name=${ac.name}`, { token: admin });
    assert.equal(l.body.application_credentials.length, 1);
    l = await call(cloud, 'GET', `${acPath(owner.id)}?name=nope`, { token: admin });
    assert.equal(l.body.application_credentials.length, 0);
    const sys = await w.user();
    await w.grant(`/v3/system/users/${sys.id}/roles/${await w.roleId('reader')}`);
    const sysToken = await login(cloud, sys.id, sys.password, { system: true });
    assert.equal((await call(cloud, 'GET', `${acPath(owner.id)}/${ac.id}`, { token: sysToken })).status, 200);
    assertError(await call(cloud, 'DELETE', `${acPath(owner.id)}/${ac.id}`, { token: sysToken }), 403, denied('identity:delete_application_credential'));
    assertError(await call(cloud, 'GET', `${acPath(owner.id)}/nonexistent`, { token: admin }), 404, 'Could not find Application Credential: nonexistent.');
  });

  test('a restricted app-cred token cannot create or delete app creds, but can list; an unrestricted one can', async () => {
    const m = await w.member('member');
    const restricted = (await create(m.token, m.id, { name: unique('r') })).body.application_credential;
    const free = (await create(m.token, m.id, { name: unique('u'), unrestricted: true })).body.application_credential;
    const rt = (await acAuth({ id: restricted.id, secret: restricted.secret })).headers.get('x-subject-token')!;
    const ut = (await acAuth({ id: free.id, secret: free.secret })).headers.get('x-subject-token')!;
    const msg = "You are not authorized to perform the requested action: Using method 'application_credential' is not allowed for managing additional application credentials..";
    assertError(await create(rt, m.id, { name: unique('x') }), 403, msg);
    assertError(await call(cloud, 'DELETE', `${acPath(m.id)}/${free.id}`, { token: rt }), 403, msg);
    assert.equal((await call(cloud, 'GET', acPath(m.id), { token: rt })).status, 200);
    const made = await create(ut, m.id, { name: unique('child') });
    assert.equal(made.status, 201, made.text);
  });

  test('delete: 204, then 404; its tokens stop working', async () => {
    const m = await w.member('member');
    const ac = (await create(m.token, m.id, { name: unique('gone') })).body.application_credential;
    const t = (await acAuth({ id: ac.id, secret: ac.secret })).headers.get('x-subject-token')!;
    assert.equal(await tokenValid(cloud, t), true);
    assert.equal((await call(cloud, 'DELETE', `${acPath(m.id)}/${ac.id}`, { token: m.token })).status, 204);
    assert.equal(await tokenValid(cloud, t), false);
    assertError(await call(cloud, 'GET', `${acPath(m.id)}/${ac.id}`, { token: m.token }), 404, `Could not find Application Credential: ${ac.id}.`);
    assertError(await call(cloud, 'DELETE', `${acPath(m.id)}/${ac.id}`, { token: m.token }), 404, `Could not find Application Credential: ${ac.id}.`);
  });

  test('disabling or deleting the user removes its app creds', async () => {
    const m = await w.member('member');
    const ac = (await create(m.token, m.id, { name: unique('a') })).body.application_credential;
    await call(cloud, 'PATCH', `/v3/users/${m.id}`, { token: admin, body: { user: { enabled: false } } });
    assertError(await call(cloud, 'GET', `${acPath(m.id)}/${ac.id}`, { token: admin }), 404, `Could not find Application Credential: ${ac.id}.`);
    const n = await w.member('member');
    const ac2 = (await create(n.token, n.id, { name: unique('b') })).body.application_credential;
    assert.equal((await call(cloud, 'DELETE', `/v3/users/${n.id}`, { token: admin })).status, 204);
    assertError(await call(cloud, 'GET', `${acPath(n.id)}/${ac2.id}`, { token: admin }), 404, `Could not find Application Credential: ${ac2.id}.`);
  });

  test('losing the role on the project makes the app cred useless', async () => {
    const m = await w.member('member');
    const ac = (await create(m.token, m.id, { name: unique('a') })).body.application_credential;
    await call(cloud, 'DELETE', `/v3/projects/${m.projectId}/users/${m.id}/roles/${await w.roleId('member')}`, { token: admin });
    assert.equal((await acAuth({ id: ac.id, secret: ac.secret })).status, 401);
  });
});
