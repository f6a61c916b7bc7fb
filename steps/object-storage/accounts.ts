/**
 * Whose Swift account a request goes to, with which token, and what is deleted after the
 * scenario. Containers live in the worker's projects, whose accounts only their own members may
 * change (keystoneauth gives the admin role no rights over another project's account), so the
 * ledger's admin DELETEs cannot remove them: every container a scenario creates is emptied and
 * deleted after it, as the member of the account, by an undo; account metadata set by a scenario
 * is removed the same way. Both are ledgered too, before the request that makes them, with the
 * account's project: if the run dies before the undo, `stackproof cleanup` deletes them with a
 * token scoped to that project (harness/resources/swift-teardown.ts); if an undo fails, the
 * after-scenario cleanup does.
 */
import type { Exchange, Session } from '../../harness/client';
import { objectStoreAccountUrl } from '../../harness/capabilities/object-store';
import { accountCreations, accountProject, type AccountCreation } from '../../harness/resources';
import type { StackproofWorld } from '../support/world';
import { undoAfterScenario } from '../support/undo';
import { recorderSlot } from '../support/worker-context';
import { encodeName, sendSwift, type SwiftBody } from './send';

/** 'own': the acting persona's account; 'project': the account of the worker's project (its member's). */
export type Whose = 'own' | 'project';

async function tokenOf(session: Session): Promise<string> {
  const t = session.token;
  if (t && t.expiresAt.getTime() - Date.now() > 60_000) return t.id;
  return (await session.authenticate()).id;
}

function ownerPersona(world: StackproofWorld, whose: Whose): string {
  return whose === 'project' ? 'member' : world.persona;
}

/** The account URL (…/v1/AUTH_x) of a persona, from its own token's catalog. */
export async function accountUrl(world: StackproofWorld, persona: string): Promise<string> {
  const session = world.session(persona);
  await tokenOf(session);
  return objectStoreAccountUrl(session.endpointFor('object-store')).replace(/\/+$/, '');
}

export interface SendInput {
  method: string;
  path: string;
  whose: Whose;
  anonymous?: boolean;
  headers?: Record<string, string>;
  body?: SwiftBody;
}

/** "/" is the account itself and "/?q" its query: Swift's account path has no trailing slash. */
function accountRelative(path: string): string {
  return path === '/' ? '' : path.startsWith('/?') ? path.slice(1) : path;
}

export async function swiftRequest(world: StackproofWorld, input: SendInput): Promise<Exchange> {
  const owner = ownerPersona(world, input.whose);
  const account = await accountUrl(world, owner);
  const token = input.anonymous ? undefined : await tokenOf(world.session());
  const path = accountRelative(input.path);
  const made = input.anonymous ? [] : accountCreations(input.method, path, input.headers ?? {});
  const intents = ledgerIntents(world, owner, account, made);
  const ex = await sendSwift({ method: input.method.toUpperCase(), account, path, headers: input.headers ?? {}, ...(token ? { token } : {}), ...(input.body ? { body: input.body } : {}) });
  world.last = ex;
  await recorderSlot.recorder?.(ex);
  track(world, owner, account, made, intents, ex);
  return ex;
}

/** Ledger entries of the scenario's containers and account metadata, by account and key. */
const ledgered = new WeakMap<StackproofWorld, Map<string, string>>();

function ledgerKey(account: string, m: AccountCreation): string {
  return `${account} ${m.key}`;
}

/**
 * Writes the ledger intents BEFORE the request: kind, name, the path relative to the account and
 * the account's project (no token, no URL). One entry per container or metadata item and
 * scenario; returns the new entries.
 */
function ledgerIntents(world: StackproofWorld, owner: string, account: string, made: AccountCreation[]): Map<AccountCreation, string> {
  const out = new Map<AccountCreation, string>();
  if (made.length === 0) return out;
  const mine = ledgered.get(world) ?? new Map<string, string>();
  ledgered.set(world, mine);
  const projectId = world.session(owner).token?.body.project?.id ?? accountProject(account);
  const ctx = world.ctx;
  for (const m of made) {
    if (mine.has(ledgerKey(account, m))) continue;
    out.set(m, ctx.ledger.intend({
      runId: ctx.runId, worker: ctx.worker, service: 'object-store', kind: m.kind, name: m.name, deletePath: m.deletePath,
      ...(projectId ? { projectId } : {}),
    }));
  }
  return out;
}

/**
 * Settles the ledger (created, or never made) and registers the undos for what this request
 * created. The after-scenario cleanup gets the entries too, for when an undo fails.
 */
function track(world: StackproofWorld, owner: string, account: string, made: AccountCreation[], intents: Map<AccountCreation, string>, ex: Exchange): void {
  const status = ex.response.status;
  const ok = status >= 200 && status < 300;
  const maybe = ok || status >= 500; // a 5xx may still have made it
  const ledger = world.ctx.ledger;
  const mine = ledgered.get(world);
  for (const m of made) {
    const entryId = intents.get(m);
    if (entryId && !maybe) {
      ledger.deleted(entryId, 'gone');
      continue;
    }
    if (entryId) {
      if (ok) ledger.created(entryId, { id: m.name, deletePath: m.deletePath });
      mine!.set(ledgerKey(account, m), entryId);
      world.created.push({ entryId });
    }
    if (!maybe) continue;
    const settle = () => {
      const id = mine?.get(ledgerKey(account, m));
      if (!id) return;
      ledger.deleted(id);
      mine!.delete(ledgerKey(account, m));
    };
    if (m.kind === 'container') {
      undoAfterScenario(world, ledgerKey(account, m), `delete the container ${m.raw}`, async () => {
        await emptyAndDelete(world.session(owner), account, m.raw);
        settle();
      });
    } else {
      undoAfterScenario(world, ledgerKey(account, m), `remove the account metadata X-Account-Meta-${m.raw}`, async () => {
        const r = await sendSwift({ method: 'POST', account, path: '', headers: { [`X-Remove-Account-Meta-${m.raw}`]: 'x' }, token: await tokenOf(world.session(owner)) });
        if (r.response.status >= 300 && r.response.status !== 404) throw new Error(`removing X-Account-Meta-${m.raw} answered ${r.response.status}`);
        settle();
      });
    }
  }
}

/** Deletes every object of a container (paging through its listing), then the container. */
export async function emptyAndDelete(session: Session, account: string, container: string): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const token = await tokenOf(session);
    let marker = '';
    for (let page = 0; page < 50; page++) {
      const list = await sendSwift({ method: 'GET', account, path: `/${container}?format=json&limit=10000&marker=${encodeURIComponent(marker)}`, headers: {}, token });
      if (list.response.status === 404) return;
      const items = Array.isArray(list.response.json) ? (list.response.json as { name?: string }[]) : [];
      if (items.length === 0) break;
      for (const item of items) {
        if (typeof item.name !== 'string') continue;
        await sendSwift({ method: 'DELETE', account, path: `/${container}/${encodeName(item.name)}`, headers: {}, token });
      }
      marker = items[items.length - 1]!.name ?? '';
    }
    const del = await sendSwift({ method: 'DELETE', account, path: `/${container}`, headers: {}, token });
    if (del.response.status === 204 || del.response.status === 404) return;
    if (del.response.status !== 409) throw new Error(`DELETE of the container ${container} answered ${del.response.status}`);
    await new Promise((r) => setTimeout(r, 500 * (attempt + 1)));
  }
  throw new Error(`the container ${container} could not be emptied: it was still not empty after 5 attempts`);
}
