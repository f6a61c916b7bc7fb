import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkSchema, pyRepr } from '../../../reference-cloud/core/validation';

const schema = {
  type: 'object',
  properties: { name: { type: 'string', minLength: 1 }, enabled: { type: 'boolean' }, tags: { type: 'array', items: { type: 'string' } } },
  required: ['name'],
  additionalProperties: false,
};

describe('request validation in python-jsonschema words', () => {
  it('accepts a valid body', () => assert.equal(checkSchema(schema, { name: 'x', enabled: true }), undefined));
  it('words a type error like jsonschema', () => {
    assert.deepEqual(checkSchema(schema, { name: 12 }), { path: 'name', message: "12 is not of type 'string'" });
    assert.deepEqual(checkSchema(schema, { name: 'a', enabled: 'yes' }), { path: 'enabled', message: "'yes' is not of type 'boolean'" });
  });
  it('words a missing property and an unexpected one', () => {
    assert.deepEqual(checkSchema(schema, {}), { path: '', message: "'name' is a required property" });
    assert.deepEqual(checkSchema(schema, { name: 'a', x: 1 }), { path: '', message: "Additional properties are not allowed ('x' was unexpected)" });
  });
  it('gives nested paths', () => assert.equal(checkSchema(schema, { name: 'a', tags: ['ok', 3] })?.path, 'tags.1'));
  it('prints values as Python does', () => {
    assert.equal(pyRepr(null), 'None');
    assert.equal(pyRepr(true), 'True');
    assert.equal(pyRepr({ a: [1, "it's"] }), "{'a': [1, 'it\\'s']}");
  });
});
