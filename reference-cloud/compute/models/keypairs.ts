/**
 * Keypairs in the API database, and the key handling of nova/crypto.py: generated keys are RSA
 * 2048 (a PEM private key, an OpenSSH public key "ssh-rsa <base64> Generated-by-Nova"); an
 * OpenSSH public key must parse (ssh-rsa, ssh-dss, ecdsa-sha2-nistp256/384/521, ssh-ed25519) and
 * its fingerprint is the MD5 of the decoded key blob in colon-separated hex; an x509 key is a PEM
 * certificate whose fingerprint is its SHA-1.
 */
import { createHash, createPublicKey, generateKeyPair, X509Certificate } from 'node:crypto';
import { promisify } from 'node:util';
import type { Db } from '../../core/store';

export interface KeypairRow {
  id: number;
  name: string;
  user_id: string;
  fingerprint: string;
  public_key: string;
  type: 'ssh' | 'x509';
  created_at: string;
  updated_at: string | null;
}

/** A key that is not what it claims to be: Nova's InvalidKeypair reason. */
export class InvalidKeypair extends Error {}

const colonHex = (hex: string): string => hex.match(/../g)!.join(':');

// ---------------------------------------------------------------------------------------------
// OpenSSH public keys

/** Reads the length-prefixed fields of an SSH wire-format blob. */
class Reader {
  private off = 0;

  constructor(private readonly buf: Buffer) {}

  bytes(): Buffer {
    if (this.off + 4 > this.buf.length) throw new InvalidKeypair('truncated');
    const n = this.buf.readUInt32BE(this.off);
    this.off += 4;
    if (this.off + n > this.buf.length) throw new InvalidKeypair('truncated');
    const out = this.buf.subarray(this.off, this.off + n);
    this.off += n;
    return out;
  }

  string(): string {
    return this.bytes().toString('latin1');
  }

  /** An mpint as unsigned big-endian bytes (no sign byte). */
  mpint(): Buffer {
    const b = this.bytes();
    if (b.length && b[0] & 0x80) throw new InvalidKeypair('negative mpint');
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    return b.subarray(i);
  }

  get done(): boolean {
    return this.off === this.buf.length;
  }
}

const CURVES: Record<string, { name: string; jwk: string; size: number }> = {
  'ecdsa-sha2-nistp256': { name: 'nistp256', jwk: 'P-256', size: 32 },
  'ecdsa-sha2-nistp384': { name: 'nistp384', jwk: 'P-384', size: 48 },
  'ecdsa-sha2-nistp521': { name: 'nistp521', jwk: 'P-521', size: 66 },
};

const b64u = (b: Buffer): string => b.toString('base64url');

/** Checks that the blob is a well-formed key of its type (what pyca's load_ssh_public_key checks). */
function checkKeyBlob(type: string, blob: Buffer): void {
  const r = new Reader(blob);
  if (r.string() !== type) throw new InvalidKeypair('key type mismatch');
  if (type === 'ssh-rsa') {
    const e = r.mpint();
    const n = r.mpint();
    if (!r.done) throw new InvalidKeypair('extra data');
    createPublicKey({ key: { kty: 'RSA', n: b64u(n), e: b64u(e) }, format: 'jwk' });
  } else if (type === 'ssh-ed25519') {
    const x = r.bytes();
    if (!r.done || x.length !== 32) throw new InvalidKeypair('bad ed25519 key');
    createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64u(x) }, format: 'jwk' });
  } else if (type in CURVES) {
    const curve = CURVES[type];
    if (r.string() !== curve.name) throw new InvalidKeypair('curve mismatch');
    const point = r.bytes();
    if (!r.done || point.length !== 1 + 2 * curve.size || point[0] !== 4) throw new InvalidKeypair('bad ecdsa point');
    createPublicKey({
      key: { kty: 'EC', crv: curve.jwk, x: b64u(point.subarray(1, 1 + curve.size)), y: b64u(point.subarray(1 + curve.size)) },
      format: 'jwk',
    });
  } else if (type === 'ssh-dss') {
    for (let i = 0; i < 4; i++) if (!r.mpint().length) throw new InvalidKeypair('bad dss key');
    if (!r.done) throw new InvalidKeypair('extra data');
  } else {
    throw new InvalidKeypair('unsupported key type');
  }
}

/** The MD5 fingerprint of an OpenSSH public key (nova.crypto.generate_fingerprint). */
export function sshFingerprint(publicKey: string): string {
  try {
    const parts = publicKey.trim().split(/\s+/);
    if (parts.length < 2) throw new InvalidKeypair('no key body');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(parts[1]) || parts[1].length % 4 !== 0) throw new InvalidKeypair('bad base64');
    checkKeyBlob(parts[0], Buffer.from(parts[1], 'base64'));
    // Nova hashes the second field of a split on single spaces.
    const body = Buffer.from(publicKey.split(' ')[1] ?? '', 'base64');
    return colonHex(createHash('md5').update(body).digest('hex'));
  } catch {
    throw new InvalidKeypair('failed to generate fingerprint');
  }
}

/** The SHA-1 fingerprint of a PEM certificate (nova.crypto.generate_x509_fingerprint). */
export function x509Fingerprint(pem: string): string {
  const framing = /-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/.test(pem);
  try {
    if (!framing) throw new Error('MalformedFraming');
    return new X509Certificate(pem).fingerprint.toLowerCase();
  } catch {
    throw new InvalidKeypair('failed to generate X509 fingerprint. Error message: Unable to load PEM file. ' +
      'See https://cryptography.io/en/latest/faq/#why-can-t-i-import-my-pem-file for more details. ' +
      (framing ? 'InvalidData(InvalidLength)' : 'MalformedFraming'));
  }
}

/** An SSH mpint field: big-endian, with a zero byte when the high bit is set. */
function mpint(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  const trimmed = b.subarray(i);
  return trimmed[0] & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
}

function field(b: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}

/** A new RSA 2048 keypair as nova.crypto.generate_key_pair makes it (paramiko's PEM private key). */
export async function generateSshKeypair(): Promise<{ privateKey: string; publicKey: string; fingerprint: string }> {
  const { privateKey, publicKey } = await promisify(generateKeyPair)('rsa', {
    modulusLength: 2048,
    publicExponent: 65537,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const jwk = createPublicKey(publicKey).export({ format: 'jwk' }) as { n: string; e: string };
  const blob = Buffer.concat([
    field(Buffer.from('ssh-rsa')),
    field(mpint(Buffer.from(jwk.e, 'base64url'))),
    field(mpint(Buffer.from(jwk.n, 'base64url'))),
  ]);
  const openssh = `ssh-rsa ${blob.toString('base64')} Generated-by-Nova`;
  return { privateKey, publicKey: openssh, fingerprint: sshFingerprint(openssh) };
}

// ---------------------------------------------------------------------------------------------
// Storage

export function keypairByName(db: Db, userId: string, name: string): KeypairRow | undefined {
  return db.prepare('SELECT * FROM key_pairs WHERE user_id = ? AND name = ?').get(userId, name) as KeypairRow | undefined;
}

export function countKeypairs(db: Db, userId: string): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM key_pairs WHERE user_id = ?').get(userId) as { n: number }).n;
}

/** A user's keypairs by name, after `marker` (a name), at most `limit`. */
export function listKeypairs(db: Db, userId: string, limit: number, marker?: string): KeypairRow[] {
  if (marker === undefined) {
    return db.prepare('SELECT * FROM key_pairs WHERE user_id = ? ORDER BY name, id LIMIT ?').all(userId, limit) as KeypairRow[];
  }
  return db.prepare('SELECT * FROM key_pairs WHERE user_id = ? AND name > ? ORDER BY name, id LIMIT ?').all(userId, marker, limit) as KeypairRow[];
}

/** Inserts a keypair; undefined when the user already has one of that name. */
export function insertKeypair(db: Db, k: Omit<KeypairRow, 'id' | 'updated_at'>): KeypairRow | undefined {
  if (keypairByName(db, k.user_id, k.name)) return undefined;
  const id = db.prepare('INSERT INTO key_pairs (name, user_id, fingerprint, public_key, type, created_at) VALUES (?, ?, ?, ?, ?, ?)')
    .run(k.name, k.user_id, k.fingerprint, k.public_key, k.type, k.created_at).lastInsertRowid;
  return db.prepare('SELECT * FROM key_pairs WHERE id = ?').get(id) as KeypairRow;
}
