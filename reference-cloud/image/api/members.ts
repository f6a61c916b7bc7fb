/**
 * Image members: the owner shares a "shared" image with other projects, each member accepts or
 * rejects it [glance/api/v2/image_members.py]. A member sees only its own membership.
 */
import type { AuthContext } from '../../core/auth-context';
import { ApiError } from '../../core/errors';
import type { ApiRequest, Route } from '../../core/service';
import { isAdmin } from '../access';
import type { ImageRow, MemberRow, MemberStatus } from '../models/images';
import { canSee } from '../access';
import { memberView } from '../view';
import { type ImageApi, bodyOf, now, requireWriter } from './common';

const MEMBER_QUOTA = 128;
const forbidden = (m: string) => new ApiError(403, m);

function lookupImage(api: ImageApi, id: string, auth: AuthContext): ImageRow {
  const img = api.repo.find(id);
  if (!img || !canSee(api.repo, img, auth)) throw new ApiError(404, `Image ${id} not found.`);
  return img;
}

const isOwner = (img: ImageRow, auth: AuthContext) => !!img.owner && img.owner === auth.projectId;

/** The memberships the caller may see: all for the owner and admins, else only its own. */
function visibleMembers(api: ImageApi, img: ImageRow, auth: AuthContext): MemberRow[] {
  const all = api.repo.members(img.id);
  return isOwner(img, auth) || isAdmin(auth) ? all : all.filter((m) => m.member_id === auth.projectId);
}

function lookupMember(api: ImageApi, img: ImageRow, memberId: string, auth: AuthContext): MemberRow {
  const m = visibleMembers(api, img, auth).find((x) => x.member_id === memberId);
  if (!m) throw new ApiError(404, `${memberId} not found in the member list of the image ${img.id}.`);
  return m;
}

function objectBody(req: ApiRequest, form: string): Record<string, unknown> {
  const b = bodyOf(req);
  if (typeof b !== 'object' || b === null || Array.isArray(b)) throw new ApiError(400, form);
  return b as Record<string, unknown>;
}

export function memberRoutes(api: ImageApi): Route[] {
  const repo = api.repo;
  const path = '/v2/images/:image_id/members';
  return [
    {
      method: 'POST', path,
      handler: (req) => {
        const auth = req.auth!;
        const b = objectBody(req, 'Expected a member in the form: {"member": "image_id"}');
        if (!('member' in b)) throw new ApiError(400, 'Member to be added not specified');
        if (!b.member) throw new ApiError(400, "Member can't be empty");
        if (typeof b.member !== 'string' || b.member.length > 255) throw new ApiError(400, 'Expected a member in the form: {"member": "image_id"}');
        const memberId = b.member;
        const id = req.params.image_id;
        const row = repo.store.tx(() => {
          const img = lookupImage(api, id, auth);
          const notAllowed = forbidden(`Not allowed to create members for image ${id}.`);
          if (img.visibility !== 'shared') throw notAllowed;
          if (!isAdmin(auth) && !isOwner(img, auth)) throw notAllowed;
          try {
            requireWriter(api, auth, 'add_member');
          } catch {
            throw notAllowed;
          }
          if (repo.member(id, memberId)) throw new ApiError(409, `Member ${memberId} is duplicated for image ${id}`);
          if (repo.members(id).length >= MEMBER_QUOTA) {
            throw new ApiError(413, `Image member limit exceeded for image ${id}: Maximum number of members exceeded: ${MEMBER_QUOTA}:`);
          }
          const at = now(api);
          const m: MemberRow = { image_id: id, member_id: memberId, status: 'pending', created_at: at, updated_at: at };
          repo.addMember(m);
          return m;
        });
        return { status: 200, body: memberView(row) };
      },
    },
    {
      method: 'GET', path,
      handler: (req) => {
        const auth = req.auth!;
        const img = lookupImage(api, req.params.image_id, auth);
        if (img.visibility !== 'shared') {
          throw forbidden(`Not allowed to list members for image ${img.id}: Only shared images have members.`);
        }
        return { status: 200, body: { members: visibleMembers(api, img, auth).map(memberView), schema: '/v2/schemas/members' } };
      },
    },
    {
      method: 'GET', path: `${path}/:member_id`,
      handler: (req) => {
        const auth = req.auth!;
        const img = lookupImage(api, req.params.image_id, auth);
        if (img.visibility !== 'shared') throw new ApiError(404, 'Only shared images have members.');
        return { status: 200, body: memberView(lookupMember(api, img, req.params.member_id, auth)) };
      },
    },
    {
      method: 'PUT', path: `${path}/:member_id`,
      handler: (req) => {
        const auth = req.auth!;
        const b = objectBody(req, 'Expected a status in the form: {"status": "status"}');
        if (!('status' in b)) throw new ApiError(400, 'Status not specified');
        const status = b.status;
        const id = req.params.image_id;
        const memberId = req.params.member_id;
        const row = repo.store.tx(() => {
          const img = lookupImage(api, id, auth);
          const notAllowed = forbidden(`Not allowed to update members for image ${id}.`);
          if (img.visibility !== 'shared') throw notAllowed;
          lookupMember(api, img, memberId, auth);
          // Only the member itself decides (and admins); the owner may not accept for it.
          if (!isAdmin(auth) && auth.projectId !== memberId) throw notAllowed;
          if (api.secureRbac && !isAdmin(auth) && !auth.roles.includes('member')) throw notAllowed;
          if (status !== 'pending' && status !== 'accepted' && status !== 'rejected') {
            throw new ApiError(400, 'Incorrect request: Status must be "pending", "accepted" or "rejected".');
          }
          repo.setMemberStatus(id, memberId, status as MemberStatus, now(api));
          return repo.member(id, memberId)!;
        });
        return { status: 200, body: memberView(row) };
      },
    },
    {
      method: 'DELETE', path: `${path}/:member_id`,
      handler: (req) => {
        const auth = req.auth!;
        const id = req.params.image_id;
        repo.store.tx(() => {
          const img = lookupImage(api, id, auth);
          const notAllowed = forbidden(`Not allowed to delete members for image ${id}.`);
          if (img.visibility !== 'shared') throw notAllowed;
          if (!isAdmin(auth) && !isOwner(img, auth)) throw notAllowed;
          lookupMember(api, img, req.params.member_id, auth);
          try {
            requireWriter(api, auth, 'delete_member');
          } catch {
            throw notAllowed;
          }
          repo.removeMember(id, req.params.member_id);
        });
        return { status: 204 };
      },
    },
  ];
}
