/**
 * Glance validates bodies with python-jsonschema against its own schema documents and puts
 * str(ValidationError) in the 400: "Provided object does not match schema 'image': 12 is not
 * of type 'null', 'string'\n\nFailed validating 'type' in schema['properties']['name']:\n ...".
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pyRepr } from '../core/validation';

const ajv = new Ajv({ allErrors: false, strict: false, allowUnionTypes: true });

/** Glance's schema documents, as a Zed Glance serves them on /v2/schemas/<name>. */
export function schemaDocument(name: 'image' | 'images' | 'member' | 'members'): Record<string, unknown> {
  return JSON.parse(readFileSync(join(__dirname, 'schemas', `${name}.json`), 'utf8')) as Record<string, unknown>;
}

const compiled = new Map<string, { schema: Record<string, unknown>; fn: ValidateFunction }>();

/** Validates value against the named schema; returns the jsonschema-worded failure, or undefined. */
export function schemaFailure(name: 'image' | 'member', value: unknown): string | undefined {
  let c = compiled.get(name);
  if (!c) {
    const schema = schemaDocument(name);
    c = { schema, fn: ajv.compile(schema) };
    compiled.set(name, c);
  }
  if (c.fn(value)) return undefined;
  return `Provided object does not match schema '${name}': ${describe(c.fn.errors![0], value, c.schema)}`;
}

function describe(e: ErrorObject, root: unknown, schema: Record<string, unknown>): string {
  const inst = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const instance = inst.reduce<unknown>((v, k) => (v as Record<string, unknown>)?.[k], root);
  const spath = e.schemaPath.replace(/^#\//, '').split('/').slice(0, -1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const sub = spath.reduce<unknown>((v, k) => (v as Record<string, unknown>)?.[k], schema);
  const p = e.params as Record<string, unknown>;
  let message: string;
  switch (e.keyword) {
    case 'type': message = `${pyRepr(instance)} is not of type ${[p.type].flat().join(',').split(',').map((t) => `'${t}'`).join(', ')}`; break;
    case 'enum': message = `${pyRepr(instance)} is not one of ${pyRepr(p.allowedValues)}`; break;
    case 'pattern': message = `${pyRepr(instance)} does not match '${p.pattern}'`; break;
    case 'maxLength': message = `${pyRepr(instance)} is too long`; break;
    case 'minLength': message = `${pyRepr(instance)} is too short`; break;
    case 'maximum': message = `${pyRepr(instance)} is greater than the maximum of ${p.limit}`; break;
    case 'minimum': message = `${pyRepr(instance)} is less than the minimum of ${p.limit}`; break;
    case 'required': return `'${p.missingProperty}' is a required property`;
    case 'additionalProperties': return `Additional properties are not allowed ('${p.additionalProperty}' was unexpected)`;
    default: message = `${pyRepr(instance)} is not valid under the given schema`;
  }
  const index = (parts: string[]) => parts.map((x) => (/^\d+$/.test(x) ? `[${x}]` : `[${pyRepr(x)}]`)).join('');
  const indent = (s: string) => s.split('\n').map((l) => `    ${l}`).join('\n');
  return `${message}\n\nFailed validating '${e.keyword}' in schema${index(spath)}:\n${indent(pformat(sub))}\n\nOn instance${index(inst)}:\n${indent(pformat(instance))}`;
}

/** Python's pprint.pformat (width 72, sorted dict keys), enough for Glance's schema fragments. */
export function pformat(v: unknown, indent = 0, width = 72, nested = false): string {
  const flat = pyReprSorted(v);
  if (flat.length + indent <= width) return flat;
  if (Array.isArray(v)) {
    return `[${v.map((x) => pformat(x, indent + 1, width, true)).join(`,\n${' '.repeat(indent + 1)}`)}]`;
  }
  if (v && typeof v === 'object') {
    const entries = Object.keys(v).sort().map((k) => {
      const key = `${pyRepr(k)}: `;
      return key + pformat((v as Record<string, unknown>)[k], indent + 1 + key.length, width, true);
    });
    return `{${entries.join(`,\n${' '.repeat(indent + 1)}`)}}`;
  }
  if (typeof v === 'string') {
    // Inside a container pprint continues the string on the next line without parentheses,
    // keeping room for the separator that follows it.
    const room = nested ? width - indent - 1 : width - indent - 1;
    const chunks: string[] = [];
    let cur = '';
    for (const part of v.match(/\S*\s*/g)!.filter(Boolean)) {
      if (cur && pyRepr(cur + part).length > room) {
        chunks.push(pyRepr(cur));
        cur = part;
      } else cur += part;
    }
    if (cur) chunks.push(pyRepr(cur));
    if (chunks.length < 2) return flat;
    return nested ? chunks.join(`\n${' '.repeat(indent)}`) : `(${chunks.join(`\n${' '.repeat(indent + 1)}`)})`;
  }
  return flat;
}

function pyReprSorted(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(pyReprSorted).join(', ')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${pyRepr(k)}: ${pyReprSorted((v as Record<string, unknown>)[k])}`).join(', ')}}`;
  }
  return pyRepr(v);
}
