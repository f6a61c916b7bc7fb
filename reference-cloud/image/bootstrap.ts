/**
 * The default public image, as DevStack uploads CirrOS: "cirros", qcow2/bare, owned by the
 * admin project. Its bytes are generated (a qcow2 header naming a 112 MiB disk, then a fixed
 * pseudo-random body) because nothing may be downloaded. Registered once, under a fixed id, so a
 * restart does not add a second one and an operator's delete is respected.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Clock } from '../core/clock';
import { isoSeconds } from '../core/time';
import { type DataStore, virtualSize } from './data-store';
import type { ImageRepo } from './models/images';

export const CIRROS_ID = '5fc2a0f4-6f3b-4e52-9c1b-7d1c0c1e2a01';
const CIRROS_SIZE = 256 * 1024;
const VIRTUAL_SIZE = 117_440_512;

/** The generated qcow2 file, produced in 64 KiB chunks. */
export function cirrosBytes(): Readable {
  let offset = 0;
  return new Readable({
    read() {
      if (offset >= CIRROS_SIZE) return void this.push(null);
      const chunk = Buffer.alloc(64 * 1024);
      for (let i = 0; i < chunk.length; i += 64) {
        createHash('sha512').update(`cirros-${offset + i}`).digest().copy(chunk, i);
      }
      if (offset === 0) {
        chunk.fill(0, 0, 512);
        chunk.writeUInt32BE(0x514649fb, 0); // QFI\xfb
        chunk.writeUInt32BE(3, 4); // version
        chunk.writeUInt32BE(16, 20); // cluster_bits
        chunk.writeBigUInt64BE(BigInt(VIRTUAL_SIZE), 24);
      }
      offset += chunk.length;
      this.push(chunk);
    },
  });
}

export async function registerCirros(repo: ImageRepo, data: DataStore, clock: Clock, adminProjectId: string): Promise<void> {
  if (repo.exists(CIRROS_ID)) return;
  const got = await data.receive(cirrosBytes(), 'images', CIRROS_ID);
  const at = isoSeconds(clock.now());
  repo.store.tx(() => {
    if (repo.exists(CIRROS_ID)) return;
    repo.insert({
      id: CIRROS_ID, name: 'cirros', status: 'active', visibility: 'public', protected: 0, os_hidden: 0,
      owner: adminProjectId, container_format: 'bare', disk_format: 'qcow2', min_disk: 0, min_ram: 0,
      size: got.size, virtual_size: virtualSize('qcow2', got.head, got.size), checksum: got.md5,
      os_hash_algo: 'sha512', os_hash_value: got.sha512, stored: 1, staged_size: null,
      properties: JSON.stringify({ hw_rng_model: 'virtio' }), tags: '[]',
      created_at: at, updated_at: at, deleted: 0, deleted_at: null,
    });
  });
}
