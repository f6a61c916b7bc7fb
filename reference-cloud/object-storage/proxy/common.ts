/** What the controllers share: authorization through the pipeline's `authorize`, owner-only headers. */
import type { ContainerAcls, SwiftRequest, SwiftResponse } from '../context';

/** Swift's `swift.authorize` call: undefined to go on, or the refusal. */
export function authorize(req: SwiftRequest, acls?: ContainerAcls): SwiftResponse | undefined {
  if (!req.authorize) {
    // No auth middleware in the pipeline (or a middleware authorized the request itself).
    if (req.owner === undefined && !req.authorizeOverride) req.owner = true;
    return undefined;
  }
  // proxy-server's handle_request asks first without ACLs (ownership decides); only a refusal
  // is asked again once the container's ACLs are known (delay_denial).
  const first = req.authorize(req, undefined);
  if (!first || !acls) return first;
  return req.authorize(req, acls);
}

/** proxy-server's swift_owner_headers: only owners send (and see) them. */
export const OWNER_HEADERS = [
  'x-container-read', 'x-container-write', 'x-container-sync-key', 'x-container-sync-to',
  'x-account-meta-temp-url-key', 'x-account-meta-temp-url-key-2', 'x-container-meta-temp-url-key',
  'x-container-meta-temp-url-key-2', 'x-account-access-control',
];

/** Drops owner-only headers from a non-owner's request. */
export function dropOwnerHeaders(req: SwiftRequest): void {
  if (req.owner) return;
  for (const h of OWNER_HEADERS) delete req.headers[h];
}

/** Drops owner-only headers from an answer to a non-owner. */
export function hideOwnerHeaders(req: SwiftRequest, headers: Record<string, string>): Record<string, string> {
  if (req.owner) return headers;
  const hidden = new Set(OWNER_HEADERS);
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !hidden.has(k.toLowerCase())));
}
