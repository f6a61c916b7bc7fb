/** The image and member documents as Glance writes them (custom properties first, then the base fields). */
import type { ImageRow, MemberRow } from './models/images';
import { props, tagsOf } from './models/images';

export function imageView(r: ImageRow): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ...props(r),
    name: r.name,
    disk_format: r.disk_format,
    container_format: r.container_format,
    visibility: r.visibility,
    size: r.size,
    virtual_size: r.virtual_size,
    status: r.status,
    checksum: r.checksum,
    protected: !!r.protected,
    min_ram: r.min_ram,
    min_disk: r.min_disk,
    owner: r.owner,
    os_hidden: !!r.os_hidden,
    os_hash_algo: r.os_hash_algo,
    os_hash_value: r.os_hash_value,
    id: r.id,
    created_at: r.created_at,
    updated_at: r.updated_at,
    tags: tagsOf(r),
    self: `/v2/images/${r.id}`,
    file: `/v2/images/${r.id}/file`,
    schema: '/v2/schemas/image',
  };
  // Glance names the stores that hold the data (the single store is called "file").
  if (r.stored) out.stores = 'file';
  return out;
}

export function memberView(m: MemberRow): Record<string, unknown> {
  return {
    member_id: m.member_id,
    image_id: m.image_id,
    status: m.status,
    created_at: m.created_at,
    updated_at: m.updated_at,
    schema: '/v2/schemas/member',
  };
}
