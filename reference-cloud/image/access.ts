/**
 * Who sees and who changes an image, as Glance's default policies and its DB layer decide
 * [glance/db/sqlalchemy/api.py is_image_visible, _select_images_query; glance/policies/image.py].
 */
import type { AuthContext } from '../core/auth-context';
import { ApiError } from '../core/errors';
import type { ImageRepo, ImageRow } from './models/images';

export const isAdmin = (auth: AuthContext): boolean => auth.roles.includes('admin');

/** Glance's is_image_visible: admin, owner, public/community, or a member of a shared image (any status). */
export function canSee(repo: ImageRepo, img: ImageRow, auth: AuthContext): boolean {
  if (isAdmin(auth)) return true;
  if (img.owner && img.owner === auth.projectId) return true;
  if (img.visibility === 'public' || img.visibility === 'community') return true;
  if (img.visibility === 'shared' && auth.projectId) return !!repo.member(img.id, auth.projectId);
  return false;
}

/** An image the caller can see, or Glance's 404. */
export function visibleImage(repo: ImageRepo, id: string, auth: AuthContext, message = `No image found with ID ${id}`): ImageRow {
  const img = repo.find(id);
  if (!img || !canSee(repo, img, auth)) throw new ApiError(404, message);
  return img;
}

/** Owner or admin may change an image [check_is_image_mutable]; others get 403 (they can see it). */
export function requireMutable(img: ImageRow, auth: AuthContext, message = 'You are not permitted to modify this image.'): void {
  if (isAdmin(auth)) return;
  if (!img.owner || img.owner !== auth.projectId) throw new ApiError(403, message);
}

/** "You are not authorized to complete <action> action." [glance.common.exception.Forbidden] */
export const policyDenied = (action: string) => new ApiError(403, `You are not authorized to complete ${action} action.`);

/**
 * The SQL condition of the default listing for a non-admin project [_select_images_query]:
 * its own images, public ones, and shared ones whose membership has member_status.
 */
export function listVisibility(auth: AuthContext, visibility: string | undefined, memberStatus: string): { sql: string; params: unknown[] } {
  const project = auth.projectId ?? '';
  const memberCond = memberStatus === 'all'
    ? `EXISTS (SELECT 1 FROM image_members m WHERE m.image_id = i.id AND m.member_id = ?)`
    : `EXISTS (SELECT 1 FROM image_members m WHERE m.image_id = i.id AND m.member_id = ? AND m.status = ?)`;
  const memberParams = memberStatus === 'all' ? [project] : [project, memberStatus];
  if (isAdmin(auth)) {
    if (!visibility || visibility === 'all') return { sql: '1 = 1', params: [] };
    if (visibility === 'shared' && memberStatus !== 'all') {
      // Admins see every shared image; member_status narrows to their own memberships only when asked.
      return { sql: `i.visibility = 'shared'`, params: [] };
    }
    return { sql: 'i.visibility = ?', params: [visibility] };
  }
  switch (visibility) {
    case 'public':
    case 'community':
      return { sql: 'i.visibility = ?', params: [visibility] };
    case 'private':
      return { sql: `i.visibility = 'private' AND i.owner = ?`, params: [project] };
    case 'shared':
      return { sql: `i.visibility = 'shared' AND (i.owner = ? OR ${memberCond})`, params: [project, ...memberParams] };
    case 'all':
      return {
        sql: `(i.owner = ? OR i.visibility IN ('public', 'community') OR (i.visibility = 'shared' AND ${memberCond}))`,
        params: [project, ...memberParams],
      };
    default:
      return {
        sql: `(i.owner = ? OR i.visibility = 'public' OR (i.visibility = 'shared' AND ${memberCond}))`,
        params: [project, ...memberParams],
      };
  }
}
