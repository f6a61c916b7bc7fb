/**
 * What a Swift offers, from its /info document (GET without a token at the root of the proxy:
 * `…/v1/AUTH_x` → `…/info`): one key per middleware that registers itself (swift, slo,
 * bulk_delete, tempurl, container_quotas, account_quotas, symlink, ...). Scenarios are tagged
 * `@requires:swift:<key>`; a Swift without that middleware (the lab's proxy has no tempurl and
 * no quotas) skips them with the reason. DLO and server-side copy never register themselves, so
 * they cannot be gated.
 *
 * OS_OBJECT_STORE_ENDPOINT_OVERRIDE (openstacksdk's object_store_endpoint_override, with
 * `%(project_id)s`) points the object-store scenarios and this discovery at another proxy of the
 * same cloud, e.g. a second Swift proxy with more middlewares over the same rings.
 */
import type { Exchange } from '../client/exchange';
import type { RequestOptions } from '../client/session';

export interface ObjectStoreCapability {
  /** The top-level keys of /info, sorted; empty when /info could not be read. */
  middlewares: string[];
  /** Why /info could not be read. */
  error?: string;
}

/** The part of Session discovery uses (a fake in tests). */
export interface ObjectStoreProbeSession {
  request(opts: RequestOptions): Promise<Exchange>;
  endpointFor(serviceType: string): string;
}

/**
 * The account URL to use for a catalog endpoint: the endpoint itself, or the override with the
 * endpoint's account (its last path segment, AUTH_<project>) put in place of %(project_id)s.
 */
export function objectStoreAccountUrl(endpoint: string, env: NodeJS.ProcessEnv = process.env): string {
  const override = env.OS_OBJECT_STORE_ENDPOINT_OVERRIDE;
  if (!override) return endpoint;
  const account = /\/v1\/([^/]+)\/?$/.exec(endpoint)?.[1] ?? '';
  const project = account.replace(/^[A-Za-z]+_/, '');
  return override.replace(/%\(project_id\)s|\$\(project_id\)s|\{project_id\}/g, project);
}

/** …/v1/AUTH_x (or …/v1) → …/info, where Swift serves its capabilities. */
export function infoUrl(accountUrl: string): string {
  const m = /^(.*?)\/v1(?:\/[^/]*)?\/?$/.exec(accountUrl);
  return `${(m ? m[1]! : accountUrl.replace(/\/+$/, ''))}/info`;
}

export async function discoverObjectStore(session: ObjectStoreProbeSession, env: NodeJS.ProcessEnv = process.env): Promise<ObjectStoreCapability> {
  let url: string;
  try {
    url = infoUrl(objectStoreAccountUrl(session.endpointFor('object-store'), env));
  } catch (e) {
    return { middlewares: [], error: (e as Error).message };
  }
  try {
    const ex = await session.request({ method: 'GET', url, auth: false });
    const info = ex.response.json;
    if (ex.response.status !== 200 || !info || typeof info !== 'object' || Array.isArray(info)) {
      return { middlewares: [], error: `GET ${url} answered ${ex.response.status} without a JSON object` };
    }
    return { middlewares: Object.keys(info).sort() };
  } catch (e) {
    return { middlewares: [], error: `GET ${url} failed: ${(e as Error).message}` };
  }
}

/** Why a `@requires:swift:<name>` need is unmet, or undefined when it is met. */
export function objectStoreNeed(name: string, cap: ObjectStoreCapability | undefined): string | undefined {
  if (!cap) return 'needs the object-store service, which the target\'s catalog does not list';
  if (cap.error) return `needs the Swift middleware "${name}", and the target's /info could not be read: ${cap.error}`;
  if (!cap.middlewares.includes(name)) return `needs the Swift middleware "${name}", which the target's /info does not list (it lists ${cap.middlewares.join(', ') || 'nothing'})`;
  return undefined;
}
