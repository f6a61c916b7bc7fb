/**
 * What a Swift request may create in an account, as ledger entries: a container (PUT /<c>) or
 * account metadata items (POST to the account with non-empty X-Account-Meta-* headers). The
 * entry names the container as Swift stores it (the path segment decoded), the path relative to
 * the account that deletes it, and, added by the caller, the account's project.
 */
import { containerPath } from './swift-account-client';

export interface AccountCreation {
  kind: 'container' | 'account-metadata';
  /** The container's name, or the metadata item's name in lower case. */
  name: string;
  /** Relative to the account: '/<container, encoded>'; '' for the account itself. */
  deletePath: string;
  /** Identifies it within one account (one ledger entry per scenario). */
  key: string;
  /** As the request spelled it: the container's path segment, or the header's name after X-Account-Meta-. */
  raw: string;
}

/** `path` is relative to the account ('' or '?...' for the account itself, '/c' for a container). */
export function accountCreations(method: string, path: string, headers: Record<string, string>): AccountCreation[] {
  const m = method.toUpperCase();
  const segment = /^\/([^/?]+)\/?(?:\?.*)?$/.exec(path)?.[1];
  if (m === 'PUT' && segment) {
    let name = segment;
    let deletePath = `/${segment}`;
    try {
      name = decodeURIComponent(segment);
      deletePath = containerPath(name);
    } catch {
      /* not valid percent-encoding: kept as sent */
    }
    return [{ kind: 'container', name, deletePath, key: `container ${name}`, raw: segment }];
  }
  if (m !== 'POST' || !(path === '' || path.startsWith('?'))) return [];
  const out: AccountCreation[] = [];
  for (const [header, value] of Object.entries(headers)) {
    const meta = /^x-account-meta-(.+)$/i.exec(header);
    if (!meta || value === '') continue;
    const name = meta[1]!.toLowerCase();
    out.push({ kind: 'account-metadata', name, deletePath: '', key: `account-meta ${name}`, raw: meta[1]! });
  }
  return out;
}

/** The project of an account URL (…/v1/AUTH_<project>), for when no token says it. */
export function accountProject(accountUrl: string): string | undefined {
  return /\/v1\/[A-Za-z]+_([^/?]+)\/?$/.exec(accountUrl)?.[1];
}
