/**
 * GET /info (proxy_server's InfoController): the `swift` block of the constraints we enforce,
 * then what each middleware registered, as Python's json.dumps writes it. HEAD has the
 * same headers and no body; OPTIONS lists the verbs; `swiftinfo_sig` (admin info) is 403
 * because no admin key is configured.
 */
import type { SwiftContext, SwiftRequest, SwiftResponse } from '../context';
import { empty, swobPage } from '../responses';
import type { SwiftSettings } from '../settings';
import { pyJson } from './listing';

export function swiftBlock(s: SwiftSettings): Record<string, unknown> {
  return {
    version: s.version,
    strict_cors_mode: true,
    policies: s.policies.map((p, i) => ({
      name: p.name, aliases: [p.name, ...p.aliases].join(', '), ...(i === 0 ? { default: true } : {}),
    })),
    allow_account_management: false,
    account_autocreate: true,
    max_file_size: s.maxFileSize,
    max_meta_name_length: s.maxMetaNameLength,
    max_meta_value_length: s.maxMetaValueLength,
    max_meta_count: s.maxMetaCount,
    max_meta_overall_size: s.maxMetaOverallSize,
    max_header_size: s.maxHeaderSize,
    max_object_name_length: s.maxObjectNameLength,
    container_listing_limit: s.containerListingLimit,
    account_listing_limit: s.accountListingLimit,
    max_account_name_length: s.maxAccountNameLength,
    max_container_name_length: s.maxContainerNameLength,
    extra_header_count: s.extraHeaderCount,
  };
}

const ALLOW = 'HEAD, GET, OPTIONS';

export function infoResponse(ctx: SwiftContext, req: SwiftRequest): SwiftResponse {
  if (req.method === 'OPTIONS') return empty(200, { Allow: ALLOW });
  if (req.method !== 'GET' && req.method !== 'HEAD') return swobPage(405, { Allow: ALLOW });
  if (req.query.has('swiftinfo_sig') || req.query.has('swiftinfo_expires')) return swobPage(403);
  const doc = { swift: swiftBlock(ctx.settings), ...ctx.swiftInfo() };
  const body = Buffer.from(pyJson(doc), 'utf8');
  return {
    status: 200,
    headers: { 'Content-Type': 'application/json; charset=UTF-8', 'Content-Length': String(body.length) },
    body: req.method === 'HEAD' ? undefined : body,
  };
}
