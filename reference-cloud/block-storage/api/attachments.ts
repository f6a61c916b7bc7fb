/** The attachments API (3.27+). (Skeleton.) */
import type { Route } from '../../core/service';
import type { BlockStorageApi } from '../context';

export function attachmentRoutes(_api: BlockStorageApi): Route[] {
  return [];
}
