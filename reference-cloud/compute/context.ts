/**
 * The compute service's parts and the contracts between them. Nova's structure: the API
 * (api/, views/) accepts and validates, counts quotas and records a build request; the super
 * conductor (conductor/, on the API queue) asks the scheduler (scheduler/) for a host, which
 * claims the resources in Placement's tables, and hands the instance to its cell; each cell's
 * conductor and its simulated compute hosts (conductor/, on the cell's queue) take it through
 * its task states. Every part reaches the others through a ComputeApi.
 */
import type { Logger } from 'pino';
import type { Clock } from '../core/clock';
import type { CloudConfig } from '../core/config';
import type { ApiRequest } from '../core/service';
import type { ServiceStore } from '../core/store';
import type { WorkQueue } from '../core/work-queue';
import type { Cell, Cells } from './cells';
import type { InstanceFlavor } from './models/flavors';
import type { InstanceRow } from './models/instances';
import type { Peers } from './peers';
import type { Topology } from './topology';

export interface ComputeApi {
  config: CloudConfig;
  clock: Clock;
  log: Logger;
  /** The API database (nova_api + placement). */
  store: ServiceStore;
  topology: Topology;
  cells: Cells;
  /** The super conductor's queue (schedule and build), on the API database. */
  queue: WorkQueue;
  /** The image, network and volume services, over HTTP. */
  peers: Peers;
  quotas: QuotaEngine;
  scheduler: SchedulerApi;
  conductor: ConductorApi;
  /** The configured delay of an asynchronous step in ms (`delays.<name>`), 0 by default. */
  delay(name: string): number;
  /** The cloud clock's now as a stored timestamp (full ISO, milliseconds, Z). */
  now(): string;
  /** The release's maximum microversion (the version document). */
  maxMicroversion: string;
}

// ---------------------------------------------------------------------------------------------
// Quotas (quota.ts)

export type QuotaResource =
  | 'instances' | 'cores' | 'ram' | 'key_pairs' | 'metadata_items' | 'server_groups' | 'server_group_members'
  | 'injected_files' | 'injected_file_content_bytes' | 'injected_file_path_bytes';

export interface QuotaEngine {
  /** The project's limit of a resource (-1: unlimited). */
  limit(projectId: string, resource: QuotaResource): number;
  /**
   * Refuses with Nova's 403 when adding `deltas` to what the project uses exceeds its limits:
   * "Quota exceeded for instances: Requested 1, but already used 7 of 1 instances". Call it
   * inside the API-database transaction that records the new usage, so that two concurrent
   * requests cannot both pass.
   */
  check(projectId: string, deltas: Partial<Record<'instances' | 'cores' | 'ram' | 'server_groups', number>>): void;
  /** 403 "Quota exceeded, too many servers in group" past server_group_members. */
  checkGroupMembers(projectId: string, groupUuid: string, adding: number): void;
  /** 403 "Maximum number of metadata items exceeds N" (Nova's MetadataLimitExceeded) past metadata_items. */
  checkMetadata(projectId: string, count: number): void;
}

// ---------------------------------------------------------------------------------------------
// Scheduler (scheduler/)

/** What a server asks of the scheduler (RequestSpec). */
export interface RequestSpec {
  instance_uuid: string;
  project_id: string;
  user_id: string;
  /** The API request that created the server (its 'create' instance action). */
  request_id: string;
  flavor: InstanceFlavor;
  /** The image booted from, with its properties; null when booting from a volume. */
  image: { id: string; name: string; properties: Record<string, string>; min_disk: number; min_ram: number; size: number } | null;
  /** The zone asked for ("zone", or the zone of "zone:host"), or null. */
  availability_zone: string | null;
  /** "zone:host[:node]" forces a host (admin only). */
  force_host: string | null;
  scheduler_hints: Record<string, unknown>;
  /** The server group named in the `group` hint. */
  group_uuid: string | null;
  /** 'auto', 'none', or the requested NICs. */
  networks: 'auto' | 'none' | { uuid?: string; port?: string; fixed_ip?: string; tag?: string }[];
  /** Security group names (default: ["default"]). */
  security_groups: string[];
  block_device_mapping: Record<string, unknown>[];
  /** Hosts not to pick (a resize without allow_resize_to_same_host, a retry). */
  ignore_hosts?: string[];
}

/** The host the scheduler chose, with its cell and zone. */
export interface Selection {
  host: string;
  node: string;
  cell: Cell;
  zone: string;
}

export interface SchedulerApi {
  /**
   * Runs the filters and weighers over every enabled, up compute host and claims the flavor's
   * resources on the winner for `spec.instance_uuid`, in one API-database transaction (two
   * concurrent claims never overcommit a host). Throws NoValidHost when no host fits.
   */
  selectAndClaim(spec: RequestSpec): Selection;
  /** Frees what a consumer (instance or migration) holds. */
  release(consumerUuid: string): void;
}

/** The scheduler found no host; Nova's conductor turns it into "No valid host was found. <reason>". */
export class NoValidHost extends Error {
  readonly reason: string;

  constructor(reason = '') {
    super(`No valid host was found. ${reason}`);
    this.name = 'NoValidHost';
    this.reason = reason;
  }
}

// ---------------------------------------------------------------------------------------------
// Conductor (conductor/)

/** A server accepted by the API and not yet in a cell (build_requests.instance). */
export type BuildRequestInstance = Omit<InstanceRow, 'id'> & { metadata: Record<string, string>; tags: string[] };

export interface ConductorApi {
  /**
   * Queues the scheduling and build of an accepted server. Call inside the API-database
   * transaction that wrote its mapping, request spec and build request.
   */
  scheduleAndBuild(instanceUuid: string): void;
  /**
   * Deletes a server the caller may delete (checked by the API): a build request is dropped at
   * once; an instance goes to task_state deleting and its cell's conductor frees its ports and
   * allocations, then marks it deleted. Answers once the delete is recorded.
   */
  deleteServer(req: ApiRequest, instanceUuid: string): void | Promise<void>;
}
