/** A Keystone v3 token as the harness keeps it. */
import type { CatalogService } from './catalog';

export interface TokenBody {
  methods?: string[];
  user?: { id: string; name?: string; domain?: { id?: string; name?: string } };
  project?: { id: string; name?: string; domain?: { id?: string; name?: string } };
  domain?: { id: string; name?: string };
  system?: Record<string, boolean>;
  roles?: { id: string; name: string }[];
  expires_at: string;
  issued_at?: string;
  catalog?: CatalogService[];
  [key: string]: unknown;
}

export interface Token {
  /** X-Subject-Token. */
  id: string;
  body: TokenBody;
  expiresAt: Date;
}

/** Parses the `{token:{...}}` response body; undefined when it is not one. */
export function readTokenBody(json: unknown): TokenBody | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const token = (json as { token?: unknown }).token;
  if (typeof token !== 'object' || token === null) return undefined;
  if (typeof (token as { expires_at?: unknown }).expires_at !== 'string') return undefined;
  return token as TokenBody;
}

/** True when the token expires within `marginMs` of `now`. */
export function expiresSoon(token: Token, now: number, marginMs = 60_000): boolean {
  return token.expiresAt.getTime() - now <= marginMs;
}
