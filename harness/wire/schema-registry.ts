/**
 * Every JSON Schema under schemas/, registered by its $id with Ajv (draft 2020-12, strict),
 * each compiled on first use and then cached.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020, { type ValidateFunction, type ErrorObject } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { compareMicroversions } from '../client/microversion';

export const DEFAULT_SCHEMA_DIR = path.resolve(__dirname, '..', '..', 'schemas');

export class UnknownSchemaError extends Error {
  override readonly name = 'UnknownSchemaError';
}

export interface SchemaResult {
  valid: boolean;
  errors: ErrorObject[];
}

function jsonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    if (ent.isDirectory()) out.push(...jsonFiles(p));
    else if (ent.isFile() && ent.name.endsWith('.json')) out.push(p);
  }
  return out.sort();
}

export class SchemaRegistry {
  private readonly ajv: Ajv2020;
  private readonly ids = new Map<string, string>(); // $id -> file
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(readonly dir: string = DEFAULT_SCHEMA_DIR) {
    this.ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats(this.ajv);
    for (const file of fs.existsSync(dir) ? jsonFiles(dir) : []) {
      let schema: unknown;
      try {
        schema = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch (e) {
        throw new Error(`Schema file ${file} is not valid JSON: ${(e as Error).message}`);
      }
      const id = (schema as { $id?: unknown }).$id;
      if (typeof id !== 'string') throw new Error(`Schema file ${file} has no $id.`);
      const other = this.ids.get(id);
      if (other) throw new Error(`Schemas ${other} and ${file} share the $id '${id}'.`);
      this.ids.set(id, file);
      this.ajv.addSchema(schema as object); // registered, compiled later on first use
    }
  }

  /** All registered $ids, sorted. */
  list(): string[] {
    return [...this.ids.keys()].sort();
  }

  /**
   * The variant of `base` for an answer at `microversion`: `<base>-X.Y` with the highest X.Y not
   * above it (the shape from microversion X.Y on), else `base` itself.
   */
  atMicroversion(base: string, microversion: string): string {
    const escaped = base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const variants = this.list()
      .map((id) => new RegExp(`^${escaped}-(\\d+\\.\\d+)$`).exec(id)?.[1])
      .filter((v): v is string => !!v && compareMicroversions(v, microversion) <= 0)
      .sort(compareMicroversions);
    return variants.length ? `${base}-${variants[variants.length - 1]}` : base;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** The compiled validator of `id` (compiled once). */
  validator(id: string): ValidateFunction {
    const cached = this.compiled.get(id);
    if (cached) return cached;
    if (!this.ids.has(id)) {
      throw new UnknownSchemaError(`There is no schema with $id '${id}' under ${this.dir}.`);
    }
    const v = this.ajv.getSchema(id);
    if (!v) throw new UnknownSchemaError(`Schema '${id}' could not be compiled.`);
    this.compiled.set(id, v);
    return v;
  }

  validate(id: string, data: unknown): SchemaResult {
    const v = this.validator(id);
    const valid = v(data) as boolean;
    return { valid, errors: valid ? [] : [...(v.errors ?? [])] };
  }

  /** Compiles every schema now (strict-mode problems surface here); returns the count. */
  compileAll(): number {
    for (const id of this.ids.keys()) this.validator(id);
    return this.ids.size;
  }
}

let shared: SchemaRegistry | undefined;

/** One registry per process over the project's schemas/ directory. */
export function defaultSchemaRegistry(): SchemaRegistry {
  shared ??= new SchemaRegistry();
  return shared;
}

/** `/projects/0/enabled must be boolean` — Ajv errors as short phrases. */
export function describeSchemaErrors(errors: ErrorObject[], max = 3): string {
  const phrases = errors.slice(0, max).map((e) => {
    const where = e.instancePath || '(root)';
    if (e.keyword === 'additionalProperties') {
      return `${where} has unexpected property '${String(e.params.additionalProperty)}'`;
    }
    if (e.keyword === 'enum') {
      return `${where} must be one of ${JSON.stringify(e.params.allowedValues)}`;
    }
    return `${where} ${e.message ?? `fails ${e.keyword}`}`;
  });
  const more = errors.length > max ? ` (and ${errors.length - max} more)` : '';
  return `${phrases.join('; ')}${more}`;
}
