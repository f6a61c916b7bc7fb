/**
 * Keypairs: fingerprints as Nova computes them (the recorded keys' fingerprints), which public
 * keys parse, generated keys, name rules per microversion; over HTTP the status codes and views
 * per microversion, another user's keypairs, paging, and the per-user quota under concurrency.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { keypairNameProblem } from '../../../reference-cloud/compute/api/keypairs';
import { generateSshKeypair, InvalidKeypair, sshFingerprint, x509Fingerprint } from '../../../reference-cloud/compute/models/keypairs';
import { member, nova, unique, useCatalogCloud, type Catalog } from './catalog-helpers';

const RECORDED_RSA = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCxbKP3SrV8TKLyPY1NaPGjmHW3Vd/Q63HREm86/cwPtMnOO5HMjLhUighWByaedBqVmUSmM7TptwTIO0KdE0ZY/jq4cxiGm9g8UX3eGLiNRd0cDVGldRHfkZ2sopcK5Dc3VxQ9JNRtsAnxYSPfedWwyiPxy7SXEkV1N+h/bzHiG1UOo/LlHPAWykthF3+lfgBFSSobYRfMr9tiYVCKPsydcmRIsfVdGswH6tyoCmPJplFJ9jk19psqJSkJY+1onY+hcGWkWSPnRJ2jtktZOM5qvuM846rYxjwc02juHCjGkB49Q1diO2e5PO7l9nzFC6xPH4fLwSUThENDbcmZEFX9 Generated-by-Nova';
const RECORDED_ED25519 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOHueFH5lpDZlhWHtoKn+ZzU98UZwmhO87bE+RbrJhTg rec@stackproof';
const FEATURE_ED25519 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJR7XTfK4KPkJzFlYEKVFJiu2H47zA9biAlX2VjafqV0 stackproof';

function field(b: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}

/** An OpenSSH ecdsa-sha2-nistp256 public key, built from a fresh key, optionally with a bad point. */
function ecdsaKey(corrupt = false): string {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' }) as { x: string; y: string };
  const y = Buffer.from(jwk.y, 'base64url');
  if (corrupt) y[y.length - 1] ^= 1;
  const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, 'base64url'), y]);
  const blob = Buffer.concat([field(Buffer.from('ecdsa-sha2-nistp256')), field(Buffer.from('nistp256')), field(point)]);
  return `ecdsa-sha2-nistp256 ${blob.toString('base64')} me@host`;
}

describe('keypairs: keys and names', () => {
  it('fingerprints keys as the recorded Nova did', () => {
    assert.equal(sshFingerprint(RECORDED_RSA), '25:1c:47:f5:1a:d2:5e:65:6f:ed:6a:35:39:ef:78:46');
    assert.equal(sshFingerprint(RECORDED_ED25519), '31:77:85:00:51:c5:64:f2:2e:5b:a1:09:4d:9f:b0:90');
    assert.equal(sshFingerprint(FEATURE_ED25519), '08:5c:75:50:32:1d:e3:3a:67:0b:3c:84:86:66:ca:9f');
    const ec = ecdsaKey();
    const md5 = createHash('md5').update(Buffer.from(ec.split(' ')[1], 'base64')).digest('hex').match(/../g)!.join(':');
    assert.equal(sshFingerprint(ec), md5);
  });

  it('refuses what does not parse as the key it claims to be', () => {
    const bad = [
      'ssh-rsa nonsense', 'ssh-rsa', '', 'nonsense', `ssh-dss ${RECORDED_ED25519.split(' ')[1]}`,
      `ssh-ed25519 ${RECORDED_ED25519.split(' ')[1].slice(0, -4)}`, ecdsaKey(true), `ssh-foo ${RECORDED_ED25519.split(' ')[1]}`,
      `ssh-ed25519 ${Buffer.concat([Buffer.from(RECORDED_ED25519.split(' ')[1], 'base64'), Buffer.from([0, 0, 0, 0])]).toString('base64')}`,
    ];
    for (const key of bad) {
      assert.throws(() => sshFingerprint(key), (e: Error) => e instanceof InvalidKeypair && e.message === 'failed to generate fingerprint', key);
    }
    assert.throws(() => x509Fingerprint('nonsense'), /MalformedFraming$/);
  });

  it('generates an RSA keypair whose public half is the private key\'s', async () => {
    const k = await generateSshKeypair();
    assert.match(k.privateKey, /^-----BEGIN RSA PRIVATE KEY-----\n/);
    assert.match(k.publicKey, /^ssh-rsa AAAAB3NzaC1yc2EAAAADAQAB\S+ Generated-by-Nova$/);
    assert.equal(k.fingerprint, sshFingerprint(k.publicKey));
    const n = (createPublicKey(k.privateKey).export({ format: 'jwk' }) as { n: string }).n;
    assert.ok(Buffer.from(k.publicKey.split(' ')[1], 'base64').includes(Buffer.from(n, 'base64url')));
  });

  it('allows @ and . in names only from 2.92', () => {
    assert.equal(keypairNameProblem('my-key_1 x', false), undefined);
    assert.match(keypairNameProblem('me@host.x', false)!, /^An invalid 'name' value was provided\. The name must be: Only expected characters: \[_- 0123/);
    assert.equal(keypairNameProblem('me@host.x', true), undefined);
    assert.equal(keypairNameProblem('bad/name', true), "An invalid 'name' value was provided. The name must be: Only expected characters: [@._- 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ]");
    assert.match(keypairNameProblem(' lead', true)!, /Can not start or end with whitespace/);
  });
});

describe('keypairs over HTTP', () => {
  let c: Catalog;
  useCatalogCloud((x) => { c = x; });

  it('answers per microversion: 200/201, type, delete 202/204, show with integer id and naive times', async () => {
    const m = await member(c);
    const name = unique('kp');
    const created = await nova(c, 'POST', '/os-keypairs', m.token, { body: { keypair: { name } } });
    assert.equal(created.status, 200);
    assert.deepEqual(Object.keys(created.body.keypair), ['private_key', 'name', 'public_key', 'fingerprint', 'user_id']);
    const shown = await nova(c, 'GET', `/os-keypairs/${name}`, m.token, { mv: '2.2' });
    assert.deepEqual(Object.keys(shown.body.keypair), ['name', 'public_key', 'fingerprint', 'user_id', 'created_at', 'deleted', 'deleted_at', 'id', 'updated_at', 'type']);
    assert.equal(typeof shown.body.keypair.id, 'number');
    assert.match(shown.body.keypair.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    assert.equal((await nova(c, 'DELETE', `/os-keypairs/${name}`, m.token)).status, 202);
    const imported = await nova(c, 'POST', '/os-keypairs', m.token, { mv: '2.2', body: { keypair: { name, public_key: RECORDED_ED25519 } } });
    assert.equal(imported.status, 201);
    assert.deepEqual(Object.keys(imported.body.keypair), ['type', 'name', 'public_key', 'fingerprint', 'user_id']);
    const dup = await nova(c, 'POST', '/os-keypairs', m.token, { mv: '2.2', body: { keypair: { name, public_key: RECORDED_ED25519 } } });
    assert.equal(dup.body.conflictingRequest.message, `Key pair '${name}' already exists.`);
    assert.equal((await nova(c, 'POST', '/os-keypairs', m.token, { body: { keypair: { name: unique('kp'), type: 'ssh' } } })).status, 400, 'type needs 2.2');
    assert.equal((await nova(c, 'DELETE', `/os-keypairs/${name}`, m.token, { mv: '2.2' })).status, 204);
    const gone = await nova(c, 'GET', `/os-keypairs/${name}`, m.token);
    assert.equal(gone.body.itemNotFound.message, `Keypair ${name} not found for user ${m.userId}`);
  });

  it('lets only an admin touch another user\'s keypairs, and pages by name from 2.35', async () => {
    const m = await member(c);
    const other = await member(c);
    for (const n of ['b', 'a', 'c']) {
      const r = await nova(c, 'POST', '/os-keypairs', c.admin, { mv: '2.10', body: { keypair: { name: n, user_id: m.userId, public_key: RECORDED_ED25519 } } });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.body.keypair.user_id, m.userId);
    }
    const denied = await nova(c, 'GET', `/os-keypairs?user_id=${m.userId}`, other.token, { mv: '2.10' });
    assert.equal(denied.body.forbidden.message, "Policy doesn't allow os_compute_api:os-keypairs:index to be performed.");
    const create = await nova(c, 'POST', '/os-keypairs', other.token, { mv: '2.10', body: { keypair: { name: 'x', user_id: m.userId, public_key: RECORDED_ED25519 } } });
    assert.equal(create.status, 403);
    assert.deepEqual((await nova(c, 'GET', '/os-keypairs', other.token)).body, { keypairs: [] });
    const page1 = await nova(c, 'GET', '/os-keypairs?limit=2', m.token, { mv: '2.35' });
    assert.deepEqual(page1.body.keypairs.map((k: { keypair: { name: string } }) => k.keypair.name), ['a', 'b']);
    assert.match(page1.body.keypairs_links[0].href, /\/os-keypairs\?limit=2&marker=b$/);
    const page2 = await nova(c, 'GET', '/os-keypairs?limit=2&marker=b', m.token, { mv: '2.35' });
    assert.deepEqual(page2.body.keypairs.map((k: { keypair: { name: string } }) => k.keypair.name), ['c']);
    assert.equal(page2.body.keypairs_links, undefined);
    assert.equal((await nova(c, 'GET', '/os-keypairs?marker=zz', m.token, { mv: '2.35' })).status, 400);
    assert.equal((await nova(c, 'GET', '/os-keypairs?limit=1', m.token)).body.keypairs.length, 3, 'no paging before 2.35');
    assert.equal((await nova(c, 'DELETE', `/os-keypairs/a?user_id=${m.userId}`, c.admin, { mv: '2.10' })).status, 204);
  });

  it('holds the key_pairs quota per user, also under concurrent creates', async () => {
    const m = await member(c);
    const set = await nova(c, 'PUT', `/os-quota-sets/${m.projectId}`, c.admin, { body: { quota_set: { key_pairs: 3 } } });
    assert.equal(set.status, 200, set.text);
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) =>
      nova(c, 'POST', '/os-keypairs', m.token, { mv: '2.92', body: { keypair: { name: `q${i}`, public_key: RECORDED_ED25519 } } })));
    assert.equal(results.filter((r) => r.status === 201).length, 3);
    for (const r of results.filter((x) => x.status !== 201)) assert.equal(r.body.forbidden.message, 'Quota exceeded, too many key pairs.');
    assert.equal((await nova(c, 'GET', '/os-keypairs', m.token)).body.keypairs.length, 3);
  });

  it('generates an x509 keypair (a certificate for the user) and imports a certificate from 2.2', async () => {
    const m = await member(c);
    const made = await nova(c, 'POST', '/os-keypairs', m.token, { mv: '2.2', body: { keypair: { name: 'cert', type: 'x509' } } });
    assert.equal(made.status, 201, made.text);
    assert.equal(made.body.keypair.type, 'x509');
    assert.match(made.body.keypair.private_key, /^-----BEGIN PRIVATE KEY-----\n/);
    const cert = new X509Certificate(made.body.keypair.public_key);
    assert.equal(cert.subject, `CN=${m.userId}`);
    assert.equal(cert.subjectAltName, `othername:UPN:${m.userId}@localhost`);
    assert.ok(cert.verify(cert.publicKey));
    assert.ok(cert.checkPrivateKey(createPrivateKey(made.body.keypair.private_key)));
    assert.equal(made.body.keypair.fingerprint, cert.fingerprint.toLowerCase());
    const imported = await nova(c, 'POST', '/os-keypairs', m.token, { mv: '2.2', body: { keypair: { name: 'cert2', type: 'x509', public_key: made.body.keypair.public_key } } });
    assert.equal(imported.status, 201, imported.text);
    assert.equal(imported.body.keypair.fingerprint, made.body.keypair.fingerprint);
    assert.equal(imported.body.keypair.private_key, undefined);
  });

  it('refuses bad names and keys with 400 and creates nothing', async () => {
    const m = await member(c);
    for (const [mv, body, message] of [
      ['2.2', { keypair: { name: 'bad/name', public_key: RECORDED_ED25519 } }, /^An invalid 'name' value was provided/],
      ['2.2', { keypair: { name: 'ok', public_key: 'ssh-rsa nonsense' } }, /^Keypair data is invalid: failed to generate fingerprint$/],
      ['2.2', { keypair: { name: 'ok', type: 'x509', public_key: 'nonsense' } }, /^Keypair data is invalid: failed to generate X509 fingerprint/],
      ['2.92', { keypair: { name: 'ok' } }, /'public_key' is a required property$/],
      ['2.1', { keypair: { name: '' } }, /'' is too short$/],
      ['2.1', { keypair: { name: 5 } }, /5 is not of type 'string'$/],
      ['2.1', { keypair: null }, /None is not of type 'object'$/],
    ] as [string, unknown, RegExp][]) {
      const r = await nova(c, 'POST', '/os-keypairs', m.token, { mv, body });
      assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
      assert.match(r.body.badRequest.message, message);
    }
    assert.equal((await nova(c, 'POST', '/os-keypairs', m.token, { raw: '{"keypair": ' })).status, 400);
    assert.deepEqual((await nova(c, 'GET', '/os-keypairs', m.token)).body, { keypairs: [] });
  });
});
