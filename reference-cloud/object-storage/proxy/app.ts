/** The proxy-server application: accounts, containers and objects over the store. (Skeleton.) */
import type { SwiftContext, SwiftHandler } from '../context';
import { swobPage } from '../responses';
import type { ObjectStore } from '../store';

export function proxyApp(_ctx: SwiftContext, _objects: ObjectStore): SwiftHandler {
  return async () => swobPage(404);
}
