/** The legacy attach/detach volume actions (os-reserve, os-attach, os-detach...). (Skeleton.) */
import type { BlockStorageApi } from '../context';

/** Adds this module's actions to `api.actions`. */
export function registerAttachActions(_api: BlockStorageApi): void {}
