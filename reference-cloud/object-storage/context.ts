/**
 * The object-storage service (Swift v1) and the contracts between its parts. Swift's structure:
 * a proxy application (proxy/) at the bottom of a pipeline of middlewares, each of which sees a
 * request on its way down and the response on its way up, and may make subrequests to the part
 * of the pipeline below it (Swift's make_subrequest / make_pre_authed_request):
 *
 *   gatekeeper  healthcheck  bulk  tempurl  authtoken+keystoneauth  container_quotas
 *   account_quotas  copy  slo  dlo  proxy-server
 *
 * pipeline.ts assembles it; index.ts turns HTTP requests into SwiftRequests and SwiftResponses
 * into replies. The proxy application owns the store (store.ts: a metadata database and the
 * object data as files named by id, never by object name).
 */
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { AuthContext, TokenValidator } from '../core/auth-context';
import type { Clock } from '../core/clock';
import type { CloudConfig } from '../core/config';
import type { ServiceStore } from '../core/store';
import type { SwiftSettings } from './settings';

/** A request as the pipeline sees it (Swift's swob.Request over a WSGI environ). */
export interface SwiftRequest {
  /** Any verb: GET HEAD PUT POST DELETE COPY OPTIONS, and others the proxy answers 405. */
  method: string;
  /**
   * The request path, percent-decoded, as Swift's split_path sees it: `/v1/AUTH_x/c/o`.
   * Changing `path` in a subrequest retargets it; `parts` is recomputed by `withPath`.
   */
  path: string;
  /** The path as received on the wire (still percent-encoded), for signatures (tempurl). */
  rawPath: string;
  /**
   * Undefined outside `/v1/<account>...` (`/info`, `/healthcheck`, `/`, `/v1`), paths only the
   * proxy application answers: middlewares pass such requests down untouched.
   */
  parts?: SwiftPath;
  /** Query parameters, decoded; a parameter given without a value (`?bulk-delete`) is ''. */
  query: URLSearchParams;
  /** Request headers with lower-case names; repeated headers joined with ', '. */
  headers: Record<string, string>;
  /** The request data (PUT, POST bodies); undefined when there is none. */
  body?: Readable;
  /** The validated token's context, or undefined for an anonymous request. */
  auth?: AuthContext;
  /**
   * Swift's `swift.authorize`: set by keystoneauth, called by the proxy application before it
   * acts (with the container's ACLs known). Answers undefined to allow, or the 401/403 response.
   */
  authorize?: (req: SwiftRequest, acls: ContainerAcls | undefined) => SwiftResponse | undefined;
  /**
   * Swift's `swift_owner`: set by `authorize` when the caller owns the account (operator role on
   * its project, or ResellerAdmin); only owners see and set ACLs and temp-URL keys.
   */
  owner?: boolean;
  /** Swift's `swift.authorize_override`: set by a middleware that authorized the request itself (tempurl). */
  authorizeOverride?: boolean;
  /** Set on subrequests: the middleware that made it (Swift's swift.source, e.g. 'SLO', 'DLO', 'BD'). */
  source?: string;
  /** The time the request arrived, from the cloud clock (X-Timestamp of writes). */
  receivedAt: Date;
  log: Logger;
}

/** `/v1/<account>[/<container>[/<object>]]`, decoded. */
export interface SwiftPath {
  version: string;
  account: string;
  container?: string;
  object?: string;
}

/** A response on its way up the pipeline. */
export interface SwiftResponse {
  status: number;
  /** Header names as Swift sends them (`Etag`, `X-Timestamp`, `Content-Type`). */
  headers: Record<string, string>;
  body?: string | Buffer | Readable;
}

export type SwiftHandler = (req: SwiftRequest) => Promise<SwiftResponse>;

/** A pipeline stage, like a paste filter: given the stage below, the handler of this one. */
export interface Middleware {
  /** Its name in the pipeline (and in logs). */
  name: string;
  wrap(next: SwiftHandler): SwiftHandler;
  /** Its entry in GET /info (Swift's register_swift_info), when it has one. */
  info?(): Record<string, Record<string, unknown>>;
}

/** What the proxy knows about an account (Swift's get_account_info). */
export interface AccountInfo {
  account: string;
  containerCount: number;
  objectCount: number;
  bytesUsed: number;
  /** User metadata, lower-case keys without the `x-account-meta-` prefix. */
  meta: Record<string, string>;
  /** Sysmeta (middleware-owned), lower-case keys without the `x-account-sysmeta-` prefix. */
  sysmeta: Record<string, string>;
  /** X-Timestamp of creation, Swift format (`1795568922.22872`). */
  createdAt: string;
}

/** What the proxy knows about a container (Swift's get_container_info). */
export interface ContainerInfo {
  account: string;
  container: string;
  objectCount: number;
  bytesUsed: number;
  storagePolicy: string;
  acls: ContainerAcls;
  /** User metadata, lower-case keys without the `x-container-meta-` prefix. */
  meta: Record<string, string>;
  sysmeta: Record<string, string>;
  createdAt: string;
}

export interface ContainerAcls {
  /** X-Container-Read as stored, e.g. `.r:*,.rlistings,<project>:<user>`. */
  read?: string;
  /** X-Container-Write as stored. */
  write?: string;
}

/**
 * What middlewares may read directly (quotas, tempurl keys, ACLs). Everything else they do
 * through subrequests, as Swift's middlewares do.
 */
export interface InfoSource {
  account(account: string): AccountInfo | undefined;
  container(account: string, container: string): ContainerInfo | undefined;
}

/** What every part of the service is built from. */
export interface SwiftContext {
  config: CloudConfig;
  settings: SwiftSettings;
  store: ServiceStore;
  clock: Clock;
  log: Logger;
  tokens: TokenValidator;
  /** The account/container info source (the proxy's store). */
  info: InfoSource;
  /** keystonemiddleware's www_authenticate_uri: the identity root named in 401 challenges. */
  identityUri(): string;
  /** The /info document, assembled from every middleware's `info()`. */
  swiftInfo(): Record<string, Record<string, unknown>>;
}
