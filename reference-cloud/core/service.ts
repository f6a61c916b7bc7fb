/**
 * The service module pattern. A service is a definition (what it is, where it mounts, how it
 * writes errors, its migrations) plus a runtime created from a context (its store, config,
 * logger, token validator). The runtime exposes a route table: routes are data.
 */
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { AuthContext, TokenValidator } from './auth-context';
import type { CloudConfig } from './config';
import type { ErrorEnvelope, RenderedError } from './envelopes';
import type { Migration, ServiceStore } from './store';
import type { Clock } from './clock';
import type { Microversion, MicroversionSpec } from './microversion';

export type ServiceName =
  | 'identity' | 'compute' | 'image' | 'network' | 'block-storage' | 'object-storage' | 'orchestration' | 'placement';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'COPY' | 'OPTIONS';

export interface ApiRequest {
  /** The request id sent back as X-Openstack-Request-Id. */
  id: string;
  method: HttpMethod;
  /** Path below the service mount, with the query string. */
  url: string;
  params: Record<string, string>;
  query: Record<string, string | string[]>;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body (undefined when there was none) or, for raw routes, the body stream. */
  body: unknown;
  /** The negotiated microversion, on services that have microversions (compute, volume). */
  microversion?: Microversion;
  /** Set when the route requires (or optionally accepts) a token and it validated. */
  auth?: AuthContext;
  /** Absolute URL of the service mount as the client reached it, e.g. http://127.0.0.1:7700/identity */
  baseUrl: string;
  log: Logger;
}

export interface ApiReply {
  status: number;
  headers?: Record<string, string | number | string[]>;
  /** JSON-serialisable body, a string/Buffer, or a stream. Absent for no body. */
  body?: unknown;
  /**
   * Headers the framework would add that this answer goes without (Cinder's bare webob
   * responses carry no X-Compute-Request-Id).
   */
  omitHeaders?: string[];
}

export type Handler = (req: ApiRequest) => ApiReply | Promise<ApiReply>;

export interface Route {
  method: HttpMethod;
  /** Fastify path pattern below the mount, e.g. '/v3/projects/:project_id'. */
  path: string;
  /** 'token' (default): X-Auth-Token required; 'optional': validated when present; 'none'. */
  auth?: 'token' | 'optional' | 'none';
  /** Policy checked after authentication, before the handler. */
  policy?: Policy;
  /**
   * false: answer without X-Openstack-Request-Id, where the real service answers before its
   * request-id middleware runs (Glance's and Neutron's version documents).
   */
  requestIdHeader?: boolean;
  /** false: the route takes no microversion (version documents); default true on such services. */
  microversioned?: boolean;
  /** Leave the body as a stream (object data, image files). */
  rawBody?: boolean;
  /** Largest accepted body in bytes (JSON routes), default from the service. */
  bodyLimit?: number;
  handler: Handler;
}

/** A named rule, like oslo.policy's: the name appears in the 403 message. */
export interface Policy {
  rule: string;
  check: (auth: AuthContext, req: ApiRequest) => boolean;
}

export interface ServiceContext {
  config: CloudConfig;
  store: ServiceStore;
  log: Logger;
  clock: Clock;
  /** Validates tokens: in-process when identity is co-located, over HTTP otherwise. */
  tokens: TokenValidator;
}

export interface ServiceRuntime {
  routes: Route[];
  /** Identity only: validates tokens in-process for co-located services. */
  tokens?: TokenValidator;
  /** Called once the HTTP listeners are up (bootstrap that needs URLs, workers). */
  ready?(endpoints: CatalogEndpoint[]): Promise<void> | void;
  close?(): Promise<void> | void;
}

/** A running service as the catalog lists it. */
export interface CatalogEndpoint {
  service: ServiceName;
  catalogType: string;
  catalogName: string;
  /** Endpoint URL, possibly with $(project_id)s. */
  url: string;
}

export interface ServiceDefinition {
  name: ServiceName;
  /** Catalog service type and name, e.g. identity / keystone. */
  catalogType: string;
  catalogName: string;
  /**
   * Further catalog entries for the same endpoint (Cinder is listed as block-storage and as
   * volumev3, as DevStack registers it, because clients look for either).
   */
  catalogAliases?: { type: string; name: string }[];
  /** Path prefix on the shared port, e.g. '/identity'. */
  mount: string;
  /** Appended to the mount URL for the catalog endpoint; may contain $(project_id)s. */
  catalogSuffix: string;
  envelope: ErrorEnvelope;
  /**
   * Picks the envelope by the request's Accept header, for services whose errors follow content
   * negotiation (Glance: webob answers HTML, JSON or plain text). Default: always `envelope`.
   */
  envelopeFor?: (accept: string | undefined) => ErrorEnvelope;
  /** Largest JSON body accepted by default (Keystone: 114688 bytes). */
  bodyLimit: number;
  migrations: Migration[];
  /** How this service words body errors: malformed JSON, and a body that is not JSON at all. */
  bodyErrors?: { malformedJson: string; notJson?: { status: number; message: string } };
  /** Headers on every response of this service (Keystone: Vary: X-Auth-Token). */
  responseHeaders?: Record<string, string>;
  /**
   * The service's request-id middleware sits after authtoken in its pipeline (Glance), so a 401
   * for a missing or bad token carries no X-Openstack-Request-Id.
   */
  requestIdAfterAuth?: boolean;
  /** The service's microversion range for the configured release (compute, volume, placement). */
  microversions?: (config: CloudConfig) => MicroversionSpec;
  /**
   * How the service words a policy refusal (the route's rule name goes in). Default Keystone's
   * "You are not authorized to perform the requested action: <rule>."
   */
  policyMessage?: (rule: string) => string;
  /** Other headers that carry the request id too (Nova: X-Compute-Request-Id). */
  requestIdAliases?: string[];
  /**
   * The answer to a path no route matches, or a method a path does not have, where the service
   * answers it before its API (Nova: webob's plain-text 404 for both). Default: the envelope's
   * 404 and 405.
   */
  unknownRoute?: () => RenderedError;
  /**
   * The answer to a URL the router cannot decode (bad percent-encoding), where the service
   * answers it itself (Swift: 412 `Invalid UTF8 or contains NULL`). Default: the envelope's 400.
   */
  badUrl?: () => RenderedError;
  /** Prefix of the request id this service issues ('req-' for most, 'tx' for Swift). */
  requestId?: () => string;
  create(ctx: ServiceContext): ServiceRuntime | Promise<ServiceRuntime>;
}

export type BodyStream = Readable;
