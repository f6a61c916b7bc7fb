/** The path headers of server-side copy (Swift's check_path_header and check_account_format). */
import type { SwiftResponse } from '../context';
import { decodePath } from '../path';
import { HTML, sentence } from '../responses';

/** `<container>/<object>` of a Destination or X-Copy-From header, or Swift's 412. */
export function pathHeader(value: string, message: string): { container: string; object: string } | SwiftResponse {
  let v = decodePath(value);
  if (v === undefined) return sentence(412, message, HTML);
  if (!v.startsWith('/')) v = `/${v}`;
  const rest = v.slice(1);
  const i = rest.indexOf('/');
  const container = i < 0 ? rest : rest.slice(0, i);
  const object = i < 0 ? '' : rest.slice(i + 1);
  if (!container || !object) return sentence(412, message, HTML);
  return { container, object };
}

/** An account named by Destination-Account or X-Copy-From-Account, or Swift's 412. */
export function accountHeader(value: string): string | SwiftResponse {
  const v = decodePath(value);
  if (!v) return sentence(412, 'Account name cannot be empty', HTML);
  if (v.includes('/')) return sentence(412, 'Account name cannot contain slashes', HTML);
  return v;
}

export const isResponse = (x: unknown): x is SwiftResponse => typeof x === 'object' && x !== null && 'status' in x;
