import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Exchange } from '../../../harness/client';
import { redactExchange, redactHeaders, redactJson, redactText } from '../../../harness/report/redact';

const PASSWORD = 'hunter2-Pa55word';
const APP_SECRET = 'KphmIDUrqKe5fo0z8HzUCGZ_secret';
const TOKEN = 'gAAAAABrBfEZeM4R5PcMOB84TpMjC_token';

test('redactHeaders hides tokens, auth, cookies and temp-url keys, whatever their case', () => {
  const h = {
    'X-Auth-Token': TOKEN,
    'x-subject-token': TOKEN,
    'X-Service-Token': TOKEN,
    Authorization: `Bearer ${TOKEN}`,
    cookie: 'session=abc',
    'Set-Cookie': 'session=abc',
    'X-Account-Meta-Temp-URL-Key': 'k1',
    'x-container-meta-temp-url-key-2': 'k2',
    'Content-Type': 'application/json',
    'X-Openstack-Request-Id': 'req-1',
  };
  const out = redactHeaders(h);
  for (const k of Object.keys(h).slice(0, 8)) assert.equal(out[k], '***', k);
  assert.equal(out['Content-Type'], 'application/json');
  assert.equal(out['X-Openstack-Request-Id'], 'req-1');
  assert.equal(h['X-Auth-Token'], TOKEN, 'input untouched');
});

test('redactJson hides passwords, app-credential secrets, token ids and credential blobs, without mutating', () => {
  const input = {
    auth: {
      identity: {
        methods: ['password', 'token', 'application_credential'],
        password: { user: { name: 'admin', domain: { name: 'Default' }, password: PASSWORD } },
        token: { id: TOKEN },
        application_credential: { id: 'ac1', secret: APP_SECRET },
      },
      scope: { project: { id: 'p1' } },
    },
    user: { password: PASSWORD, original_password: `${PASSWORD}-old`, password_expires_at: null },
    application_credential: { id: 'ac1', name: 'n', secret: APP_SECRET },
    credential: { type: 'ec2', blob: `{"access":"a","secret":"${APP_SECRET}"}` },
    server: { adminPass: PASSWORD, id: 's1' },
    keypair: { private_key: '-----BEGIN RSA PRIVATE KEY-----', name: 'k' },
    list: [{ password: PASSWORD }],
    secrets: [APP_SECRET, { secret: APP_SECRET }],
  };
  const snapshot = structuredClone(input);
  const out = redactJson(input) as typeof input;
  assert.deepEqual(input, snapshot, 'input untouched');
  const text = JSON.stringify(out);
  for (const secret of [PASSWORD, APP_SECRET, TOKEN, 'BEGIN RSA']) assert.ok(!text.includes(secret), secret);
  assert.equal(out.auth.identity.token.id, '***');
  assert.equal(out.auth.scope.project.id, 'p1', 'other ids stay');
  assert.equal(out.application_credential.id, 'ac1');
  assert.equal(out.user.password_expires_at, null, 'timestamps named after passwords are not secrets');
  assert.deepEqual(out.auth.identity.methods, ['password', 'token', 'application_credential']);
  assert.equal(out.server.id, 's1');
});

test('redactText parses JSON, keeps non-secret text, and falls back to patterns for broken JSON', () => {
  const body = JSON.stringify({ auth: { identity: { password: { user: { name: 'u', password: PASSWORD } } } } }, null, 2);
  const out = redactText(body, 'application/json');
  assert.ok(!out.includes(PASSWORD));
  assert.deepEqual(JSON.parse(out), { auth: { identity: { password: { user: { name: 'u', password: '***' } } } } });

  const truncated = `{"application_credential": {"secret": "${APP_SECRET}", "name": "x"}, "token": {"id": "${TOKEN}"`;
  const t = redactText(truncated, 'application/json');
  assert.ok(!t.includes(APP_SECRET) && !t.includes(TOKEN), t);
  assert.match(t, /"name": "x"/);

  assert.equal(redactText('plain text, nothing secret', 'text/plain'), 'plain text, nothing secret');
  assert.equal(redactText(`username=u&password=${PASSWORD}`, 'application/x-www-form-urlencoded'), 'username=u&password=***');
  assert.equal(redactText('', 'application/json'), '');
});

test('redactExchange: a password, an app-credential secret and a token never survive', () => {
  const ex: Exchange = {
    request: {
      method: 'POST',
      url: 'http://h/v3/users/u1/application_credentials',
      headers: { 'x-auth-token': TOKEN, 'content-type': 'application/json' },
      body: JSON.stringify({ application_credential: { name: 'ac', secret: APP_SECRET }, user: { password: PASSWORD } }),
    },
    response: {
      status: 201,
      headers: { 'content-type': 'application/json', 'x-subject-token': TOKEN },
      text: JSON.stringify({ application_credential: { id: 'ac1', secret: APP_SECRET } }),
      json: { application_credential: { id: 'ac1', secret: APP_SECRET } },
    },
    durationMs: 12,
  };
  const snapshot = structuredClone(ex);
  const out = redactExchange(ex);
  const all = JSON.stringify(out);
  for (const secret of [PASSWORD, APP_SECRET, TOKEN]) assert.ok(!all.includes(secret), secret);
  assert.deepEqual(ex, snapshot, 'input untouched');
  assert.equal(out.response.status, 201);
  assert.equal((out.response.json as { application_credential: { id: string } }).application_credential.id, 'ac1');
  assert.equal(out.durationMs, 12);

  const signed = redactExchange({ ...ex, request: { ...ex.request, url: 'http://h/v1/AUTH_p/c/o?temp_url_sig=abc123&temp_url_expires=9' } });
  assert.equal(signed.request.url, 'http://h/v1/AUTH_p/c/o?temp_url_sig=***&temp_url_expires=9');
});
