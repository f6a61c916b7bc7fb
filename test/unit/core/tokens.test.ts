import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenKeys, type TokenPayload } from '../../../reference-cloud/identity/token-format';
import { PasswordVerifier, hashPassword, verifyPassword } from '../../../reference-cloud/identity/passwords';

const payload: TokenPayload = {
  userId: 'u1', methods: ['password'], scope: { kind: 'project', id: 'p1' }, issuedAt: 1_700_000_000_000,
  expiresAt: 1_700_003_600_000, auditIds: ['abc'],
};

describe('self-contained tokens', () => {
  it('round-trips and survives a reload of the keys', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keys-'));
    const token = TokenKeys.open(dir).encode(payload);
    assert.deepEqual(TokenKeys.open(dir).decode(token), { ...payload, appCredId: undefined });
  });
  it('rejects tampered tokens and other keys', () => {
    const keys = TokenKeys.ephemeral();
    const token = keys.encode(payload);
    const flipped = token.slice(0, 20) + (token[20] === 'A' ? 'B' : 'A') + token.slice(21);
    assert.equal(keys.decode(flipped), undefined);
    assert.equal(TokenKeys.ephemeral().decode(token), undefined);
    assert.equal(keys.decode('not a token'), undefined);
  });
});

describe('password hashing', () => {
  it('hashes with scrypt and verifies', async () => {
    const h = await hashPassword('correct horse', 10);
    assert.match(h, /^\$scrypt\$ln=10,r=8,p=1\$/);
    assert.equal(await verifyPassword('correct horse', h), true);
    assert.equal(await verifyPassword('wrong', h), false);
  });
  it('the verification cache never accepts a wrong password and forgets on a new hash', async () => {
    const v = new PasswordVerifier();
    const h1 = await hashPassword('one', 10);
    assert.equal(await v.verify('u', 'one', h1), true);
    assert.equal(await v.verify('u', 'one', h1), true);
    assert.equal(await v.verify('u', 'two', h1), false);
    const h2 = await hashPassword('two', 10);
    assert.equal(await v.verify('u', 'one', h2), false, 'the old password no longer works after a change');
    assert.equal(await v.verify('u', 'two', h2), true);
    assert.equal(await v.verify('nobody', 'x', undefined), false);
  });
});
