/**
 * Self-contained tokens, Fernet-like: the payload (who, scope, methods, times, audit ids) is
 * encrypted and authenticated with AES-256-GCM under a key kept in the identity data directory.
 * Issuing a token writes nothing to the database; validation needs only the key, and tokens
 * survive a restart because the key does. Several keys may be held (rotation): the first one
 * encrypts, all of them decrypt.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type Scope =
  | { kind: 'unscoped' }
  | { kind: 'project'; id: string }
  | { kind: 'domain'; id: string }
  | { kind: 'system' };

export interface TokenPayload {
  userId: string;
  methods: string[];
  scope: Scope;
  /** ms since epoch */
  issuedAt: number;
  expiresAt: number;
  /** [own audit id, audit chain id (the original token's) when rescoped] */
  auditIds: string[];
  appCredId?: string;
}

const VERSION = 0x91;

export class TokenKeys {
  private constructor(private readonly keys: Buffer[]) {}

  /** Loads the keys from dir, creating the first one (mode 0600) when there is none. */
  static open(dir: string): TokenKeys {
    const file = join(dir, 'token-keys.json');
    if (existsSync(file)) {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as { keys: string[] };
      return new TokenKeys(parsed.keys.map((k) => Buffer.from(k, 'base64')));
    }
    const keys = [randomBytes(32)];
    writeFileSync(file, JSON.stringify({ keys: keys.map((k) => k.toString('base64')) }), { mode: 0o600 });
    return new TokenKeys(keys);
  }

  static ephemeral(): TokenKeys {
    return new TokenKeys([randomBytes(32)]);
  }

  encode(p: TokenPayload): string {
    const compact = [
      p.userId,
      p.methods,
      p.scope.kind === 'unscoped' ? 0 : p.scope.kind === 'project' ? [1, p.scope.id] : p.scope.kind === 'domain' ? [2, p.scope.id] : 3,
      Math.round(p.issuedAt),
      Math.round(p.expiresAt),
      p.auditIds,
      p.appCredId ?? 0,
    ];
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys[0], iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(compact), 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, body, cipher.getAuthTag()]).toString('base64url');
  }

  /** Returns the payload, or undefined for anything that is not a token we issued. */
  decode(token: string): TokenPayload | undefined {
    if (token.length < 40 || token.length > 1024 || !/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
    const raw = Buffer.from(token, 'base64url');
    if (raw.length < 1 + 12 + 16 + 2 || raw[0] !== VERSION) return undefined;
    const iv = raw.subarray(1, 13);
    const tag = raw.subarray(raw.length - 16);
    const body = raw.subarray(13, raw.length - 16);
    for (const key of this.keys) {
      try {
        const d = createDecipheriv('aes-256-gcm', key, iv);
        d.setAuthTag(tag);
        const text = Buffer.concat([d.update(body), d.final()]).toString('utf8');
        const [userId, methods, scope, issuedAt, expiresAt, auditIds, appCred] = JSON.parse(text);
        return {
          userId,
          methods,
          scope: scope === 0 ? { kind: 'unscoped' } : scope === 3 ? { kind: 'system' }
            : scope[0] === 1 ? { kind: 'project', id: scope[1] } : { kind: 'domain', id: scope[1] },
          issuedAt,
          expiresAt,
          auditIds,
          appCredId: appCred || undefined,
        };
      } catch {
        // try the next key
      }
    }
    return undefined;
  }
}
