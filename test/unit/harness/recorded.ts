/**
 * What the schema tests share: the responses recorded from a real cloud under
 * test/fixtures/<dir>/, one JSON file each, and assertions that a schema accepts or rejects a body.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SchemaRegistry, describeSchemaErrors } from '../../../harness/wire';

export interface Recorded {
  /** The schema the recorder named for this body, when it named one. */
  schema?: string;
  request: { method: string; path: string; headers?: Record<string, string> };
  response: { status: number; headers: Record<string, string>; body?: unknown; bodyText?: string };
}

export const registry = new SchemaRegistry();

/** Every recording in test/fixtures/<dir>, by file name without `.json`, in name order. */
export function loadRecorded(dir: string): Map<string, Recorded> {
  const full = path.join(__dirname, '..', '..', 'fixtures', dir);
  return new Map(
    fs.readdirSync(full).filter((f) => f.endsWith('.json')).sort()
      .map((f) => [f.slice(0, -5), JSON.parse(fs.readFileSync(path.join(full, f), 'utf8')) as Recorded]),
  );
}

/** A deep copy of a recording's body, to break in a rejection test. */
export function bodyOf(recorded: Map<string, Recorded>, name: string): any {
  const f = recorded.get(name);
  assert.ok(f, `fixture ${name}`);
  return structuredClone(f.response.body);
}

export function accepts(id: string, value: unknown): void {
  const r = registry.validate(id, value);
  assert.equal(r.valid, true, `${id} refused: ${describeSchemaErrors(r.errors)}`);
}

export function rejects(id: string, value: unknown, pattern: RegExp): void {
  const r = registry.validate(id, value);
  assert.equal(r.valid, false, `${id} accepted a broken body`);
  assert.match(describeSchemaErrors(r.errors, 10), pattern);
}

/** No recording may hold a real secret: Fernet tokens, private keys, or token headers not masked. */
export function assertNoSecrets(recorded: Map<string, Recorded>): void {
  for (const [name, f] of recorded) {
    const text = JSON.stringify(f);
    assert.doesNotMatch(text, /gAAAAA[\w-]{20,}/, `${name} holds a Fernet token`);
    assert.doesNotMatch(text, /BEGIN (RSA |OPENSSH )?PRIVATE KEY/, `${name} holds a private key`);
    for (const [k, v] of Object.entries(f.request.headers ?? {})) if (/token/i.test(k)) assert.equal(v, '<token>', `${name} request header ${k}`);
  }
}
