/** Shared setup for the network unit tests: a backend over a throwaway store, callers as AuthContexts. */
import { after, before } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuthContext } from '../../../reference-cloud/core/auth-context';
import { systemClock } from '../../../reference-cloud/core/clock';
import { openStore, type ServiceStore } from '../../../reference-cloud/core/store';
import type { NetworkBackend } from '../../../reference-cloud/network/backend';
import type { ListQuery, Row } from '../../../reference-cloud/network/collection';
import { networkBackend } from '../../../reference-cloud/network';
import { networkMigrations } from '../../../reference-cloud/network/migrations';
import { createLogger } from '../../../reference-cloud/core/logging';
import { loadConfig } from '../../../reference-cloud/core/config';

export function caller(projectId: string, roles: string[] = ['member', 'reader']): AuthContext {
  return {
    token: 't', userId: `u-${projectId}`, userName: 'u', userDomainId: 'default', userDomainName: 'Default', projectId, roles,
    roleIds: [], methods: ['password'], auditIds: [], issuedAt: new Date(), expiresAt: new Date(Date.now() + 3600_000),
  };
}

export const ADMIN = caller('admin-project', ['admin', 'member', 'reader']);
export const ALICE = caller('alice-project');
export const BOB = caller('bob-project');
export const READER = caller('alice-project', ['reader']);

export interface TestBackend { b: NetworkBackend; store: ServiceStore; dir: string }

export function openBackend(dir = mkdtempSync(join(tmpdir(), 'sp-net-'))): TestBackend {
  const store = openStore(dir, 'network', networkMigrations, '2025.2');
  const config = loadConfig({ env: {}, overrides: { dataDir: dir, logLevel: 'silent' } });
  const b = networkBackend({ config, store, log: createLogger('silent'), clock: systemClock(), tokens: { validate: async () => ADMIN } });
  return { b, store, dir };
}

/** A backend per test file, closed and removed after it. */
export function useBackend(assign: (t: TestBackend) => void): void {
  let t: TestBackend | undefined;
  before(() => { t = openBackend(); assign(t); });
  after(() => { t?.store.close(); if (t) rmSync(t.dir, { recursive: true, force: true }); });
}

export const q = (query: Record<string, string | string[]> = {}): Record<string, string | string[]> => query;

export function list(b: NetworkBackend, collection: string, who: AuthContext, query: Record<string, string | string[]> = {}): Row[] {
  const t = b.type(collection);
  const parsed: ListQuery = b.coll(collection).parseQuery(query, () => false);
  return b.list(t, who, parsed);
}

export const create = (b: NetworkBackend, collection: string, who: AuthContext, values: Record<string, unknown>): Row =>
  b.create(b.type(collection), who, { [b.type(collection).member]: values });

/** The ApiError a call throws, for assertions on status, type and message. */
export function thrown(fn: () => unknown): { status: number; type?: string; message: string } {
  try {
    fn();
  } catch (e) {
    return e as { status: number; type?: string; message: string };
  }
  throw new Error('expected an error');
}
