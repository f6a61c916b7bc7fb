export { Session } from './session';
export type { SessionOptions, RequestOptions } from './session';
export type { Exchange, Recorder } from './exchange';
export { describeRequest } from './exchange';
export { AuthError, CatalogError, DiscoveryError, NetworkError } from './errors';
export { findEndpoint, serviceTypeCandidates } from './catalog';
export type { CatalogService, CatalogEndpoint, EndpointQuery } from './catalog';
export type { Token, TokenBody } from './token';
export { discoveryRoot, parseVersionDocument, normaliseVersionStatus } from './version-document';
export type { VersionInfo, VersionStatus } from './version-document';
export {
  parseMicroversion,
  formatMicroversion,
  compareMicroversions,
  microversionInRange,
  isMicroversion,
} from './microversion';
export type { Microversion } from './microversion';
export { microversionHeaders, microversionHeaderType } from './microversion-headers';
export { authRequestBody, scopeFor } from './keystone-auth-body';
