/**
 * Request body validation with JSON Schema (Ajv), reporting the first error the way Python's
 * jsonschema words it, because that is what Keystone, Nova and Cinder put in their 400s:
 * "12 is not of type 'string'", "'name' is a required property".
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';

// verbose: errors carry their schema, which some of jsonschema's messages quote.
const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true, verbose: true });
const compiled = new WeakMap<object, ValidateFunction>();

export interface SchemaFailure {
  /** Dotted path of the offending field ('' for the body itself), jsonschema's error.path. */
  path: string;
  /** jsonschema's error.message. */
  message: string;
}

/** Validates value against schema; returns undefined when valid. */
export function checkSchema(schema: object, value: unknown): SchemaFailure | undefined {
  let fn = compiled.get(schema);
  if (!fn) {
    fn = ajv.compile(schema);
    compiled.set(schema, fn);
  }
  if (fn(value)) return undefined;
  return describe(fn.errors![0], value);
}

function describe(e: ErrorObject, root: unknown): SchemaFailure {
  const segments = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const instance = segments.reduce<unknown>((v, k) => (v as Record<string, unknown>)?.[k], root);
  const path = segments.join('.');
  const p = e.params as Record<string, unknown>;
  let message: string;
  switch (e.keyword) {
    case 'type':
      message = `${pyRepr(instance)} is not of type ${[p.type].flat().map((t) => `'${pyType(String(t))}'`).join(', ')}`;
      break;
    case 'required':
      return { path, message: `'${p.missingProperty}' is a required property` };
    case 'additionalProperties': {
      const parent = (e.parentSchema ?? {}) as { properties?: object; patternProperties?: Record<string, unknown> };
      const patterns = Object.keys(parent.patternProperties ?? {}).sort();
      if (patterns.length && instance && typeof instance === 'object') {
        // jsonschema: "'ключ' does not match any of the regexes: '^[a-zA-Z0-9-_:. /]{1,255}$'"
        const extras = Object.keys(instance).filter((k) => !(k in (parent.properties ?? {})) && !patterns.some((re) => new RegExp(re, 'u').test(k))).sort();
        message = `${extras.map((x) => pyRepr(x)).join(', ')} ${extras.length === 1 ? 'does' : 'do'} not match any of the regexes: ${patterns.map((x) => pyRepr(x)).join(', ')}`;
      } else {
        message = `Additional properties are not allowed ('${p.additionalProperty}' was unexpected)`;
      }
      break;
    }
    case 'minLength':
      message = `${pyRepr(instance)} is too short`;
      break;
    case 'maxLength':
      message = `${pyRepr(instance)} is too long`;
      break;
    case 'minItems':
      message = `${pyRepr(instance)} is too short`;
      break;
    case 'maxItems':
      message = `${pyRepr(instance)} is too long`;
      break;
    case 'pattern':
      message = `${pyRepr(instance)} does not match '${p.pattern}'`;
      break;
    case 'enum':
      message = `${pyRepr(instance)} is not one of ${pyRepr(p.allowedValues)}`;
      break;
    case 'minimum':
      message = `${pyRepr(instance)} is less than the minimum of ${p.limit}`;
      break;
    case 'exclusiveMinimum':
      message = `${pyRepr(instance)} is less than or equal to the minimum of ${p.limit}`;
      break;
    case 'exclusiveMaximum':
      message = `${pyRepr(instance)} is greater than or equal to the maximum of ${p.limit}`;
      break;
    case 'maximum':
      message = `${pyRepr(instance)} is greater than the maximum of ${p.limit}`;
      break;
    case 'uniqueItems':
      message = `${pyRepr(instance)} has non-unique elements`;
      break;
    case 'format':
      message = `${pyRepr(instance)} is not a '${p.format}'`;
      break;
    case 'minProperties':
      message = `${pyRepr(instance)} does not have enough properties`;
      break;
    default:
      message = `${pyRepr(instance)} is not valid under the given schema`;
  }
  return { path, message };
}

function pyType(t: string): string {
  return t === 'integer' ? 'integer' : t === 'null' ? 'null' : t;
}

/** Python's repr() of a JSON value, as jsonschema messages show it. */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  return `{${Object.entries(v as object).map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`).join(', ')}}`;
}
