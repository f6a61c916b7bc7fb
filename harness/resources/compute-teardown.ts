/**
 * Nova deletes a server asynchronously: DELETE /servers/{id} answers 204 while the server is
 * still `deleting` and its ports still exist, so whatever it used (its network, subnet, security
 * group, server group...) cannot be deleted yet. After a server's DELETE, cleanup waits (bounded)
 * until Nova answers 404 for it.
 */
import type { RequestingSession } from './cleanup';

const SERVER_PATH = /^\/servers\/[^/?]+$/;

export interface WaitOptions {
  /** Give up after this many ms (default 60 000). */
  timeoutMs?: number;
  /** Between polls, ms (default 250). */
  intervalMs?: number;
}

/** True when `path` (a compute delete path) names one server. */
export function isServerPath(path: string): boolean {
  return SERVER_PATH.test(path);
}

/** Polls GET `path` until 404; false when the server is still there at the deadline. */
export async function awaitServerGone(session: RequestingSession, path: string, opts: WaitOptions = {}): Promise<boolean> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  const interval = opts.intervalMs ?? 250;
  for (;;) {
    const status = (await session.request({ service: 'compute', method: 'GET', path })).response.status;
    if (status === 404) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, interval));
  }
}
