/**
 * The block-storage service (Cinder v3) and the contracts between its parts. Cinder's
 * structure: the API (api/) validates, checks quotas and records a volume in `creating`; the
 * scheduler (scheduler.ts) picks a backend (host@backend#pool) with room in the zone whose
 * capabilities satisfy the type's extra specs; the simulated volume service (volume-manager.ts,
 * on the durable work queue) takes it through its statuses with the configured delays. Compute
 * drives attachments through the public API (attachments and legacy attach actions) with the
 * user's token plus its service token; backups go to the object store over HTTP when the cloud
 * has one. Every part reaches the others through a BlockStorageApi.
 */
import type { Logger } from 'pino';
import type { AuthContext } from '../core/auth-context';
import type { Clock } from '../core/clock';
import type { CloudConfig } from '../core/config';
import type { ApiReply, ApiRequest } from '../core/service';
import type { ServiceStore } from '../core/store';
import type { WorkQueue } from '../core/work-queue';
import type { Peers } from '../core/peers';
import type { Topology } from './topology';

export interface BlockStorageApi {
  config: CloudConfig;
  clock: Clock;
  log: Logger;
  store: ServiceStore;
  topology: Topology;
  /** The volume service's queue (create, delete, extend, retype, upload, backup, restore...). */
  queue: WorkQueue;
  /** The image and object-store services over HTTP (with the user's or the cinder service token). */
  peers: Peers;
  quotas: VolumeQuotaEngine;
  scheduler: VolumeScheduler;
  /** Volume actions by body key (`os-extend`, `os-reserve`...), filled by the modules that own them. */
  actions: Map<string, VolumeAction>;
  /** Validates a token (X-Service-Token of compute's calls). */
  validateToken(token: string): Promise<AuthContext>;
  /** The configured delay of an asynchronous step in ms (`delays.<name>`), 0 by default. */
  delay(name: string): number;
  /** The cloud clock's now as a stored timestamp (full ISO, Z). */
  now(): string;
  /** The release's maximum microversion (3.71 on 2024.1 and later). */
  maxMicroversion: string;
}

/** A row of the volumes table (migrations.ts). */
export interface VolumeRow {
  id: string;
  project_id: string;
  user_id: string;
  name: string | null;
  description: string | null;
  size: number;
  status: string;
  attach_status: string;
  migration_status: string | null;
  availability_zone: string;
  volume_type_id: string;
  host: string | null;
  snapshot_id: string | null;
  source_volid: string | null;
  image_id: string | null;
  bootable: number;
  multiattach: number;
  encrypted: number;
  consumes_quota: number;
  created_at: string;
  updated_at: string | null;
  launched_at: string | null;
  terminated_at: string | null;
}

/**
 * One action of POST /volumes/{id}/action, given the volume (already looked up with the
 * caller's project isolation) and the action's argument (the value under its key).
 */
export type VolumeAction = (req: ApiRequest, volume: VolumeRow, arg: unknown) => ApiReply | Promise<ApiReply>;

// ---------------------------------------------------------------------------------------------
// Quotas (quota.ts)

export type VolumeQuotaResource = 'volumes' | 'gigabytes' | 'snapshots' | 'backups' | 'backup_gigabytes' | 'groups' | 'per_volume_gigabytes';

export interface VolumeQuotaEngine {
  /**
   * Refuses with Cinder's 413 overLimit (retryAfter "0") when adding `deltas` to what the project
   * uses exceeds its limits, per type too (`volumes_<type>`, `gigabytes_<type>`,
   * `snapshots_<type>`) when `volumeTypeName` is given. Counts usage from the rows, so call it
   * inside the transaction that inserts or grows them: two concurrent requests cannot both pass.
   */
  check(projectId: string, deltas: Partial<Record<'volumes' | 'gigabytes' | 'snapshots' | 'backups' | 'backup_gigabytes', number>>, volumeTypeName?: string): void;
}

// ---------------------------------------------------------------------------------------------
// Scheduler (scheduler.ts)

export interface VolumeScheduler {
  /**
   * The backend for a volume of `size` GiB in `zone` whose capabilities satisfy the type's extra
   * specs, with the most free capacity; undefined when none ("No valid backend was found").
   * Call it inside the transaction that records the volume's host.
   */
  pick(size: number, zone: string, extraSpecs: Record<string, string>): string | undefined;
}
