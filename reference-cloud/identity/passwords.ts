/**
 * Password hashing: scrypt (a memory-hard password hash, as Keystone offers), stored in a
 * passlib-like string "$scrypt$ln=14,r=8,p=1$<salt>$<hash>" so the cost can change later
 * without invalidating stored hashes.
 *
 * Verification cache: after a password verifies against a stored hash, an HMAC of it (keyed
 * with a random key that lives only in this process's memory) is remembered beside that hash.
 * A later attempt with the same password and the same stored hash is checked against the HMAC
 * in constant time instead of re-running scrypt. Any mismatch still runs the full scrypt, so a
 * wrong guess always costs a full hash (no faster online guessing, no timing signal), nothing
 * derived from a password is ever written to disk, and a password change (new stored hash)
 * makes the entry useless at once.
 */
import { createHmac, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCb) as (pw: string | Buffer, salt: Buffer, len: number, opts: object) => Promise<Buffer>;
const KEY_LEN = 32;
const R = 8;
const P = 1;

export async function hashPassword(password: string, cost: number): Promise<string> {
  const salt = randomBytes(16);
  const N = 2 ** cost;
  const hash = await scrypt(password.normalize('NFC'), salt, KEY_LEN, { N, r: R, p: P, maxmem: 256 * N * R });
  return `$scrypt$ln=${cost},r=${R},p=${P}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([^$]+)\$([^$]+)$/.exec(stored);
  if (!m) return false;
  const N = 2 ** Number(m[1]);
  const r = Number(m[2]);
  const expected = Buffer.from(m[5], 'base64');
  const got = await scrypt(password.normalize('NFC'), Buffer.from(m[4], 'base64'), expected.length, {
    N, r, p: Number(m[3]), maxmem: 256 * N * r,
  });
  return got.length === expected.length && timingSafeEqual(got, expected);
}

export class PasswordVerifier {
  private readonly key = randomBytes(32);
  private readonly verified = new Map<string, { stored: string; mac: Buffer }>();

  constructor(private readonly maxEntries = 10_000) {}

  /** Verifies password for the account `who` whose stored hash is `stored`. */
  async verify(who: string, password: string, stored: string | null | undefined): Promise<boolean> {
    if (!stored) {
      // Spend the same time as a real check so unknown users and users without a password
      // cannot be told apart from a wrong password.
      await verifyPassword(password, DUMMY_HASH);
      return false;
    }
    const mac = createHmac('sha256', this.key).update(stored).update('\0').update(password).digest();
    const hit = this.verified.get(who);
    if (hit && hit.stored === stored && timingSafeEqual(hit.mac, mac)) return true;
    const ok = await verifyPassword(password, stored);
    if (ok) {
      if (this.verified.size >= this.maxEntries) this.verified.delete(this.verified.keys().next().value as string);
      this.verified.set(who, { stored, mac });
    }
    return ok;
  }

  forget(who: string): void {
    this.verified.delete(who);
  }
}

// A hash of a random password, cost 14, used to equalise timing for accounts without a hash.
const DUMMY_HASH =
  '$scrypt$ln=14,r=8,p=1$c3RhY2twcm9vZi1kdW1teQ==$0lGgN4n0pVg8gS+0Rj3l3s9QKcX3mJ5X2t1m0eYp3xQ=';
