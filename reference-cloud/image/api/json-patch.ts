/**
 * Glance's JSON-patch dialects: application/openstack-images-v2.1-json-patch (RFC 6902 style
 * {"op","path","value"}) and the deprecated v2.0 ({"replace": "/name", "value"}), parsed and
 * checked as glance/api/v2/images.py RequestDeserializer.update does.
 */
import { ApiError } from '../../core/errors';
import { schemaFailure } from '../schema-check';
import { VERBATIM } from '../envelope';

export type PatchOp = 'add' | 'remove' | 'replace';
export interface Change {
  op: PatchOp;
  path: string[];
  value?: unknown;
  draft: 4 | 10;
}

const CONTENT_TYPES: Record<string, 4 | 10> = {
  'application/openstack-images-v2.0-json-patch': 4,
  'application/openstack-images-v2.1-json-patch': 10,
};
const OPS: PatchOp[] = ['add', 'remove', 'replace'];
export const READ_ONLY = ['created_at', 'updated_at', 'status', 'checksum', 'size', 'virtual_size', 'direct_url', 'self', 'file', 'schema', 'id', 'os_hash_algo', 'os_hash_value'];
export const RESERVED = ['location', 'deleted', 'deleted_at'];
export const RESERVED_NAMESPACE = 'os_glance';
const BASE_ARRAYS = new Set(['tags', 'locations']);

const bad = (msg: string) => new ApiError(400, msg);

/** The draft version of the request's patch dialect, or webob's 415 with Accept-Patch. */
export function patchDraft(contentType: string | undefined): 4 | 10 {
  const ct = (contentType ?? '').split(';')[0].trim().toLowerCase();
  const draft = CONTENT_TYPES[ct];
  if (draft) return draft;
  throw new ApiError(415, `The request media type ${ct} is not supported by this server.\n<br /><br />\n`, {
    type: VERBATIM,
    headers: { 'Accept-Patch': Object.keys(CONTENT_TYPES).sort().join(', ') },
  });
}

export function parseChanges(body: unknown, draft: 4 | 10): Change[] {
  if (!Array.isArray(body)) throw bad('Request body must be a JSON array of operation objects.');
  return body.map((raw) => {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw bad('Operations must be JSON objects.');
    const r = raw as Record<string, unknown>;
    let op: PatchOp;
    let pointer: unknown;
    if (draft === 10) {
      if (r.op === undefined || r.op === null) throw bad(`Unable to find \`op\` in JSON Schema change. It must be one of the following: ${OPS.join(', ')}.`);
      if (!OPS.includes(r.op as PatchOp)) throw bad(`Invalid operation: \`${String(r.op)}\`. It must be one of the following: ${OPS.join(', ')}.`);
      op = r.op as PatchOp;
      if (!('path' in r)) throw bad("Unable to find 'path' in JSON Schema change");
      pointer = r.path;
    } else {
      const found = OPS.filter((o) => o in r);
      if (found.length > 1) throw bad('Operations must contain only one member named "add", "remove", or "replace".');
      if (!found.length) throw bad('Operation objects must contain exactly one member named "add", "remove", or "replace".');
      op = found[0];
      pointer = r[op];
    }
    if (typeof pointer !== 'string') throw bad(`Pointer \`${String(pointer)}\` does not start with "/".`);
    const path = decodePointer(pointer);
    const limit = path[0] === 'locations' ? { add: 2, remove: 2, replace: 1 }[op] : 1;
    if (path.length !== limit) throw bad(`Invalid JSON pointer for this resource: '/${path.join('/')}'`);
    const change: Change = { op, path, draft };
    if (op !== 'remove') {
      if (!('value' in r)) throw bad(`Operation "${op}" requires a member named "value".`);
      change.value = r.value;
    }
    validateChange(change);
    return change;
  });
}

function decodePointer(pointer: string): string[] {
  if (!pointer.startsWith('/')) throw bad(`Pointer \`${pointer}\` does not start with "/".`);
  if (/\/\s*?\//.test(pointer.slice(1))) throw bad(`Pointer \`${pointer}\` contains adjacent "/".`);
  if (pointer.length > 1 && pointer.endsWith('/')) throw bad(`Pointer \`${pointer}\` end with "/".`);
  if (pointer.slice(1).trim() === '/') throw bad(`Pointer \`${pointer}\` does not contains valid token.`);
  if (/~[^01]/.test(pointer) || pointer.endsWith('~')) throw bad(`Pointer \`${pointer}\` contains "~" not part of a recognized escape sequence.`);
  return pointer.replace(/^\/+/, '').split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~').trim());
}

function validateChange(c: Change): void {
  const root = c.path[0];
  if (READ_ONLY.includes(root)) throw new ApiError(403, `Attribute '${root}' is read-only.`);
  if (RESERVED.includes(root) || root.startsWith(RESERVED_NAMESPACE)) throw new ApiError(403, `Attribute '${root}' is reserved.`);
  if (c.op === 'remove') return;
  const partial = c.path.length === 1 ? { [root]: c.value } : BASE_ARRAYS.has(root) ? { [root]: [c.value] } : undefined;
  if (partial) {
    const failure = schemaFailure('image', partial);
    if (failure) throw bad(failure);
  }
}
