/**
 * The certificate Nova generates for an x509 keypair (nova.crypto.generate_winrm_x509_cert): a
 * self-signed RSA 2048 / SHA-256 certificate for CN=<user id>, valid ten years, for client
 * authentication, with the user's UPN (<user id>@localhost) as subject alternative name; the
 * private key is PKCS#8 PEM. Written in DER by hand: node:crypto signs but does not build
 * certificates.
 */
import { generateKeyPair, randomBytes, sign, X509Certificate } from 'node:crypto';
import { promisify } from 'node:util';

function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  let len: Buffer;
  if (n < 0x80) len = Buffer.from([n]);
  else {
    const bytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
    len = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), len, content]);
}

const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const explicit = (n: number, inner: Buffer) => tlv(0xa0 | n, inner);
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
const octets = (b: Buffer) => tlv(0x04, b);
const bits = (b: Buffer, unused = 0) => tlv(0x03, Buffer.concat([Buffer.from([unused]), b]));
const NULL = Buffer.from([0x05, 0x00]);

function integer(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  const v = b.subarray(i);
  return tlv(0x02, v[0] & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
}

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const out = [40 * parts[0] + parts[1]];
  for (const p of parts.slice(2)) {
    const enc: number[] = [p & 0x7f];
    for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128)) enc.unshift(0x80 | (v & 0x7f));
    out.push(...enc);
  }
  return tlv(0x06, Buffer.from(out));
}

/** UTCTime before 2050, GeneralizedTime from 2050 (RFC 5280). */
function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').replace(/\.\d+Z$/, 'Z');
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(iso.slice(2), 'latin1')) : tlv(0x18, Buffer.from(iso, 'latin1'));
}

const extension = (id: string, value: Buffer) => seq(oid(id), octets(value));

export async function generateX509Keypair(userId: string, now: Date): Promise<{ privateKey: string; certificate: string; fingerprint: string }> {
  const { privateKey, publicKey } = await promisify(generateKeyPair)('rsa', {
    modulusLength: 2048,
    publicExponent: 65537,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'der' },
  });
  const name = seq(set(seq(oid('2.5.4.3'), utf8(userId))));
  const sha256WithRsa = seq(oid('1.2.840.113549.1.1.11'), NULL);
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + 10);
  const upn = tlv(0xa0, Buffer.concat([oid('1.3.6.1.4.1.311.20.2.3'), explicit(0, utf8(`${userId}@localhost`))]));
  const tbs = seq(
    explicit(0, integer(Buffer.from([2]))),
    integer(serial),
    sha256WithRsa,
    name,
    seq(time(now), time(notAfter)),
    name,
    publicKey,
    explicit(3, seq(
      extension('2.5.29.15', bits(Buffer.from([0xa0]), 5)),
      extension('2.5.29.37', seq(oid('1.3.6.1.5.5.7.3.2'))),
      extension('2.5.29.17', seq(upn)),
    )),
  );
  const der = seq(tbs, sha256WithRsa, bits(sign('sha256', tbs, privateKey)));
  const certificate = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
  const fingerprint = new X509Certificate(certificate).fingerprint.toLowerCase();
  return { privateKey, certificate, fingerprint };
}
