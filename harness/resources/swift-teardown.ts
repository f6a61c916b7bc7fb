/**
 * What a run left in a Swift account: containers and account metadata, deleted as an operator of
 * the account's project would (project-access.ts): the container listed page by page, every
 * object deleted, then the container; metadata removed with X-Remove-Account-Meta-*. A 404 at
 * any step means already gone. One grant and one token serve consecutive entries of the same
 * account, and are given up before anything else is deleted.
 */
import type { LedgerEntry } from './ledger-records';
import { openAccess, type AccessOptions, type ProjectAccess, type ScopingSession } from './project-access';
import { containerPath, encodeObjectName, type AccountClient } from './swift-account-client';

export { canScope, OPERATOR_ROLES, type ScopingSession } from './project-access';
export { containerPath, encodeObjectName, encodeSegment } from './swift-account-client';

const PAGE = 10_000;
const MAX_PAGES = 10_000;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** An entry in a Swift account: a container or account metadata, with the account's project. */
export function isAccountEntry(e: LedgerEntry): boolean {
  return e.service === 'object-store' && typeof e.projectId === 'string' && (e.kind === 'container' || e.kind === 'account-metadata');
}

export interface SwiftTeardownOptions extends AccessOptions {
  /** Container DELETEs answered 409 (a listing that lags the object deletes) are retried this often (default 5). */
  attempts?: number;
  retryDelayMs?: number;
  /** Objects per listing page (default 10 000, Swift's container_listing_limit). */
  pageSize?: number;
}

type Outcome = 'deleted' | 'gone';

/** Deletes every object of the container (all pages), then the container. */
async function emptyAndDeleteContainer(account: AccountClient, path: string, opts: SwiftTeardownOptions): Promise<Outcome> {
  const attempts = opts.attempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    let marker = '';
    for (let page = 0; ; page++) {
      if (page >= MAX_PAGES) throw new Error(`the listing of ${path} went on for more than ${MAX_PAGES} pages`);
      const query = `?format=json&limit=${opts.pageSize ?? PAGE}${marker ? `&marker=${encodeURIComponent(marker)}` : ''}`;
      const list = await account.send('GET', `${path}${query}`);
      if (list.status === 404) return 'gone';
      if (list.status === 204) break;
      if (list.status !== 200 || !Array.isArray(list.json)) {
        throw new Error(`GET ${path}${query} answered ${list.status}${list.status === 200 ? ' without a JSON listing' : ''}`);
      }
      const names = (list.json as { name?: unknown }[]).map((i) => i?.name).filter((n): n is string => typeof n === 'string');
      if (names.length === 0) break;
      for (const name of names) {
        const objectPath = `${path}/${encodeObjectName(name)}`;
        const del = await account.send('DELETE', objectPath);
        if (del.status !== 404 && (del.status < 200 || del.status >= 300)) throw new Error(`DELETE ${objectPath} answered ${del.status}`);
      }
      const last = names[names.length - 1]!;
      if (last === marker) break;
      marker = last;
    }
    const del = await account.send('DELETE', path);
    if (del.status === 404) return 'gone';
    if (del.status >= 200 && del.status < 300) return 'deleted';
    if (del.status !== 409) throw new Error(`DELETE ${path} answered ${del.status}`);
    if (attempt >= attempts) throw new Error(`DELETE ${path} still answered 409 (not empty) after ${attempts} rounds of deleting its objects`);
    opts.log(`the container at ${path} is not empty yet (a lagging listing?): listing it again`);
    await new Promise((r) => setTimeout(r, (opts.retryDelayMs ?? 500) * attempt));
  }
}

/** Removes one account metadata item (X-Remove-Account-Meta-<name>). */
async function removeAccountMetadata(account: AccountClient, name: string): Promise<Outcome> {
  if (!HEADER_NAME.test(name)) throw new Error(`'${name}' cannot be an account metadata name`);
  const r = await account.send('POST', '', { [`x-remove-account-meta-${name}`]: 'x' });
  if (r.status === 404) return 'gone';
  if (r.status >= 200 && r.status < 300) return 'deleted';
  throw new Error(`POST to the account removing X-Account-Meta-${name} answered ${r.status}`);
}

/**
 * The project-scoped access of one cleanup pass, kept while consecutive entries are in the same
 * account (one grant and one token for all the containers of a project) and closed (token and
 * grant revoked) before anything else is deleted: before the project itself, in particular.
 */
export class AccountScopes {
  private open?: ProjectAccess;

  constructor(
    private readonly admin: ScopingSession,
    private readonly opts: SwiftTeardownOptions,
  ) {}

  /** Deletes a container (its objects first) or removes account metadata; throws with the reason when it cannot. */
  async tearDown(e: LedgerEntry): Promise<Outcome> {
    let open = this.open;
    if (open?.projectId !== e.projectId) {
      await this.close();
      open = this.open = await openAccess(this.admin, e, this.opts);
    }
    const { account } = open!;
    return e.kind === 'container'
      ? emptyAndDeleteContainer(account, e.deletePath || containerPath(e.name), this.opts)
      : removeAccountMetadata(account, e.name);
  }

  async close(): Promise<void> {
    const o = this.open;
    this.open = undefined;
    await o?.close();
  }
}

/** What cleanup would do, for a dry run. */
export function describeAccountTeardown(e: LedgerEntry): string {
  const what = e.kind === 'container'
    ? `empty and delete the container at ${e.deletePath ?? containerPath(e.name)}`
    : `remove the account metadata X-Account-Meta-${e.name}`;
  return `${what} in the Swift account of project ${e.projectId}, with a token scoped to it`;
}

/** One entry on its own (its own grant and token). */
export async function tearDownAccountEntry(admin: ScopingSession, e: LedgerEntry, opts: SwiftTeardownOptions): Promise<Outcome> {
  const scopes = new AccountScopes(admin, opts);
  try {
    return await scopes.tearDown(e);
  } finally {
    await scopes.close();
  }
}
