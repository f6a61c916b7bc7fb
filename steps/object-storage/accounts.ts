/**
 * Whose Swift account a request goes to, with which token, and what is deleted after the
 * scenario. Containers live in the worker's projects, whose accounts only their own members may
 * change (keystoneauth gives the admin role no rights over another project's account), so the
 * ledger's admin DELETEs cannot remove them: every container a scenario creates is emptied and
 * deleted after it, as the member of the account, by an undo; account metadata set by a scenario
 * is removed the same way.
 */
import type { Exchange, Session } from '../../harness/client';
import { objectStoreAccountUrl } from '../../harness/capabilities/object-store';
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
  const ex = await sendSwift({ method: input.method.toUpperCase(), account, path, headers: input.headers ?? {}, ...(token ? { token } : {}), ...(input.body ? { body: input.body } : {}) });
  world.last = ex;
  await recorderSlot.recorder?.(ex);
  track(world, owner, account, input, ex);
  return ex;
}

/** Registers the undos for what this request created: a container, account metadata. */
function track(world: StackproofWorld, owner: string, account: string, input: SendInput, ex: Exchange): void {
  const ok = ex.response.status >= 200 && ex.response.status < 300;
  if (!ok || input.anonymous) return;
  const method = input.method.toUpperCase();
  const path = accountRelative(input.path);
  const container = /^\/([^/?]+)\/?(?:\?.*)?$/.exec(path)?.[1];
  if (method === 'PUT' && container) {
    undoAfterScenario(world, `swift-container ${account}/${container}`, `delete the container ${container}`, () =>
      emptyAndDelete(world.session(owner), account, container));
  }
  if (method === 'POST' && (path === '' || path.startsWith('?'))) {
    for (const [k, v] of Object.entries(input.headers ?? {})) {
      const m = /^x-account-meta-(.+)$/i.exec(k);
      if (!m || v === '') continue;
      undoAfterScenario(world, `swift-account-meta ${account} ${m[1]!.toLowerCase()}`, `remove the account metadata ${k}`, async () => {
        const session = world.session(owner);
        await sendSwift({ method: 'POST', account, path: '', headers: { [`X-Remove-Account-Meta-${m[1]}`]: 'x' }, token: await tokenOf(session) });
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
