/**
 * Cinder's volume type views: v3's show (extra specs trimmed to the user-visible ones for
 * non-admins, qos_specs_id for admins) plus the type-access extension's
 * `os-volume-type-access:is_public`; the types_manage answers use v2's view.
 */
import type { AuthContext } from '../../core/auth-context';
import type { Db } from '../../core/store';
import { extraSpecs, type TypeRow } from '../models/types';

export const USER_VISIBLE_EXTRA_SPECS = ['RESKEY:availability_zones', 'multiattach', 'replication_enabled'];

const isAdmin = (auth: AuthContext | undefined) => !!auth?.roles.includes('admin');

/** The extra specs the caller may read. */
export function visibleSpecs(db: Db, auth: AuthContext | undefined, typeId: string): Record<string, string> {
  const specs = extraSpecs(db, typeId);
  if (isAdmin(auth)) return specs;
  return Object.fromEntries(Object.entries(specs).filter(([k]) => USER_VISIBLE_EXTRA_SPECS.includes(k)));
}

/** GET /types/{id}, /types (access: with os-volume-type-access:is_public; false for /types/default). */
export function typeView(db: Db, auth: AuthContext | undefined, t: TypeRow, access = true): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: t.id,
    name: t.name,
    is_public: !!t.is_public,
    description: t.description,
    extra_specs: visibleSpecs(db, auth, t.id),
  };
  if (isAdmin(auth)) out.qos_specs_id = t.qos_specs_id;
  if (access) out['os-volume-type-access:is_public'] = !!t.is_public;
  return out;
}

/** The types_manage answers (v2's view): create adds the access key, update does not. */
export function manageView(db: Db, t: TypeRow, access: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: t.id,
    name: t.name,
    is_public: !!t.is_public,
    extra_specs: extraSpecs(db, t.id),
    description: t.description,
  };
  if (access) out['os-volume-type-access:is_public'] = !!t.is_public;
  return out;
}
