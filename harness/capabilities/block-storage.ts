/**
 * What a block-storage cloud can do beyond its catalog and microversions, for the tags of the
 * block-storage scenarios:
 *   @requires:volume-backup          a cinder-backup service is up and enabled (admin
 *                                    GET /os-services?binary=cinder-backup); unknown without admin
 *   @requires:volume-feature:<name>  the backend can do <name>, unless the cloud is declared unable to
 *
 * Whether a backend can write an image into a volume, extend one, or whether Nova completes a
 * detach (it needs to send a service token to Cinder) cannot be read from any API: a cloud's
 * volume driver and Nova's [service_user] configuration are not published. As Tempest's
 * [volume-feature-enabled] options, these are declared: STACKPROOF_VOLUME_FEATURES_DISABLED lists,
 * separated by commas or spaces, what the cloud cannot do:
 *   from-image       a volume created from an image becomes available (bootable, volume_image_metadata);
 *                    boot from volume needs it too
 *   extend           os-extend of an available volume ends available at the new size
 *   extend-attached  os-extend of an in-use volume (3.42+) ends in-use at the new size
 *   detach           Nova's detach of a volume ends with the volume available again
 *   upload-image     os-volume_upload_image writes the volume into an active image
 *   multiattach      a volume of a type with multiattach="<is> True" is made (a backend reports
 *                    multiattach support) and takes two attachments
 * A real Cinder with a capable driver and Nova with service tokens can do all of them; the Zed lab
 * of this project (no-op LVM driver, Nova without service tokens) can do none of them:
 * STACKPROOF_VOLUME_FEATURES_DISABLED=from-image,extend,extend-attached,detach,upload-image,multiattach
 */
import type { Exchange } from '../client/exchange';
import type { RequestOptions } from '../client/session';

export const VOLUME_FEATURES = ['from-image', 'extend', 'extend-attached', 'detach', 'upload-image', 'multiattach'] as const;
export type VolumeFeature = (typeof VOLUME_FEATURES)[number];

export interface BlockStorageCapability {
  /** cinder-backup services up and enabled; undefined when they could not be listed. */
  backupServices?: number;
  /** Why backupServices is unknown: no admin rights, or what GET /os-services answered. */
  backupUnknown?: string;
  /** Declared unable (STACKPROOF_VOLUME_FEATURES_DISABLED). */
  disabled: VolumeFeature[];
}

/** The part of Session discovery uses (a fake in tests). */
export interface BlockStorageProbeSession {
  request(opts: RequestOptions): Promise<Exchange>;
}

/** STACKPROOF_VOLUME_FEATURES_DISABLED: names separated by commas or spaces; unknown names are an error. */
export function parseDisabledVolumeFeatures(value: string | undefined): VolumeFeature[] {
  if (value === undefined || value.trim() === '') return [];
  const names = value.split(/[\s,]+/).filter(Boolean);
  const bad = names.find((n) => !(VOLUME_FEATURES as readonly string[]).includes(n));
  if (bad) throw new Error(`STACKPROOF_VOLUME_FEATURES_DISABLED: "${bad}" is not a volume feature (known: ${VOLUME_FEATURES.join(', ')})`);
  return [...new Set(names)] as VolumeFeature[];
}

/** cinder-backup services that can take a backup now: state up and status enabled. */
export function countBackupServices(json: unknown): number | undefined {
  const list = (json as { services?: unknown } | undefined)?.services;
  if (!Array.isArray(list)) return undefined;
  return list.filter((s) => {
    const o = s as { binary?: unknown; state?: unknown; status?: unknown };
    return o && o.binary === 'cinder-backup' && o.state === 'up' && o.status === 'enabled';
  }).length;
}

export async function discoverBlockStorage(session: BlockStorageProbeSession, admin: boolean, env: NodeJS.ProcessEnv = process.env): Promise<BlockStorageCapability> {
  const disabled = parseDisabledVolumeFeatures(env.STACKPROOF_VOLUME_FEATURES_DISABLED);
  let backupServices: number | undefined;
  let backupUnknown: string | undefined = 'listing services needs admin credentials';
  if (admin) {
    try {
      const ex = await session.request({ service: 'block-storage', method: 'GET', path: '/os-services?binary=cinder-backup' });
      backupServices = ex.response.status === 200 ? countBackupServices(ex.response.json) : undefined;
      backupUnknown = backupServices !== undefined ? undefined
        : `GET /os-services?binary=cinder-backup answered ${ex.response.status}${ex.response.status === 200 ? ' without a services list' : ''}`;
    } catch (e) {
      backupUnknown = `GET /os-services?binary=cinder-backup failed: ${(e as Error).message}`;
    }
  }
  return { ...(backupServices !== undefined ? { backupServices } : { backupUnknown }), disabled };
}

/** Why a block-storage need is unmet (undefined when met), or 'unknown' for a tag this module does not know. */
export function blockStorageNeed(need: string, c: BlockStorageCapability | undefined): string | undefined {
  if (need === 'volume-backup') {
    if (!c) return 'needs the block-storage service, which the target\'s catalog does not list';
    if (c.backupServices === undefined) return `needs a cinder-backup service, and whether the target has one is unknown (${c.backupUnknown ?? 'its services could not be listed'})`;
    if (c.backupServices === 0) return 'needs a cinder-backup service that is up and enabled; the target has none (GET /os-services?binary=cinder-backup)';
    return undefined;
  }
  const feature = /^volume-feature:(.+)$/.exec(need);
  if (feature) {
    const name = feature[1]!;
    if (!(VOLUME_FEATURES as readonly string[]).includes(name)) return 'unknown';
    if (!c) return 'needs the block-storage service, which the target\'s catalog does not list';
    if (c.disabled.includes(name as VolumeFeature)) return `needs the volume feature "${name}", which STACKPROOF_VOLUME_FEATURES_DISABLED declares the target cannot do`;
    return undefined;
  }
  return 'unknown';
}
