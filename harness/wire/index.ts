export { checkExchange, WireMismatch } from './check-exchange';
export type { WireExpectation, HeaderExpectation, CheckOptions, MismatchKind } from './check-exchange';
export {
  SchemaRegistry,
  UnknownSchemaError,
  defaultSchemaRegistry,
  describeSchemaErrors,
  DEFAULT_SCHEMA_DIR,
} from './schema-registry';
export type { SchemaResult } from './schema-registry';
