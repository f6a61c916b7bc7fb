/** Range parsing as swob's Range.ranges_for_length, conditionals as swob evaluates them, names as split_path reads them. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkConditions } from '../../../reference-cloud/object-storage/conditional';
import { decodePath, splitPath } from '../../../reference-cloud/object-storage/path';
import { parseRange } from '../../../reference-cloud/object-storage/ranges';
import { guessType } from '../../../reference-cloud/object-storage/proxy/mime';
import { bestMatch, isoTimestamp, pyJson } from '../../../reference-cloud/object-storage/proxy/listing';
import { checkMetadata, titleCase } from '../../../reference-cloud/object-storage/proxy/metadata';
import { defaultSettings } from '../../../reference-cloud/object-storage/settings';

describe('swift core: ranges', () => {
  it('reads single, suffix, open and multiple ranges', () => {
    assert.deepEqual(parseRange('bytes=0-4', 12), [{ start: 0, end: 4 }]);
    assert.deepEqual(parseRange('bytes=-6', 12), [{ start: 6, end: 11 }]);
    assert.deepEqual(parseRange('bytes=-100', 12), [{ start: 0, end: 11 }]);
    assert.deepEqual(parseRange('bytes=6-', 12), [{ start: 6, end: 11 }]);
    assert.deepEqual(parseRange('bytes=6-1000', 12), [{ start: 6, end: 11 }]);
    assert.deepEqual(parseRange('bytes = 0-1, 6-8', 12), [{ start: 0, end: 1 }, { start: 6, end: 8 }]);
  });

  it('ignores malformed or reversed headers (undefined: the whole body)', () => {
    for (const h of ['bytes=z-1', 'bytes=5-2', 'bytes=-', 'bytes=45', 'items=0-1', 'bytes=0-1,x', undefined, '']) {
      assert.equal(parseRange(h, 12), undefined, String(h));
    }
  });

  it('answers [] (416) when nothing is satisfiable or the set is abusive', () => {
    assert.deepEqual(parseRange('bytes=100-200', 12), []);
    assert.deepEqual(parseRange('bytes=0-', 0), []);
    assert.deepEqual(parseRange('bytes=-5', 0), []);
    assert.deepEqual(parseRange('bytes=-0', 12), []);
    assert.deepEqual(parseRange(`bytes=${Array.from({ length: 51 }, (_, i) => `${i}-${i}`).join(',')}`, 100), []);
    assert.deepEqual(parseRange('bytes=0-10,1-9,2-8,3-7', 100), [], 'more than two overlaps');
    assert.deepEqual(parseRange(`bytes=${Array.from({ length: 8 }, (_, i) => `${80 - i * 10}-${81 - i * 10}`).join(',')}`, 100), [], 'eight descending ranges');
    assert.equal(parseRange('bytes=50-51,10-11', 100)!.length, 2, 'a few descending ranges are fine');
  });
});

describe('swift core: conditionals', () => {
  const v = { etag: 'abc', timestamp: '1795569065.27579' };
  const lm = 'Wed, 25 Nov 2026 01:11:06 GMT';
  const h = { Etag: 'abc' };
  it('If-Match and If-None-Match, quoted or not, and *', () => {
    assert.equal(checkConditions({ 'if-match': '"abc"' }, v, h), undefined);
    assert.equal(checkConditions({ 'if-match': 'abc' }, v, h), undefined);
    assert.equal(checkConditions({ 'if-match': '*' }, v, h), undefined);
    assert.equal(checkConditions({ 'if-match': '"x", "abc"' }, v, h), undefined);
    assert.equal(checkConditions({ 'if-match': '"x"' }, v, h)?.status, 412);
    assert.equal(checkConditions({ 'if-none-match': '"abc"' }, v, h)?.status, 304);
    assert.equal(checkConditions({ 'if-none-match': '"x"' }, v, h), undefined);
  });
  it('dates against Last-Modified (the timestamp rounded up), unparsable dates ignored', () => {
    assert.equal(checkConditions({ 'if-modified-since': lm }, v, h)?.status, 304);
    assert.equal(checkConditions({ 'if-modified-since': 'Wed, 25 Nov 2026 01:11:05 GMT' }, v, h), undefined);
    assert.equal(checkConditions({ 'if-modified-since': 'yesterday' }, v, h), undefined);
    assert.equal(checkConditions({ 'if-unmodified-since': 'Wed, 25 Nov 2026 01:11:05 GMT' }, v, h)?.status, 412);
    assert.equal(checkConditions({ 'if-unmodified-since': lm }, v, h), undefined);
  });
});

describe('swift core: names, headers and formats', () => {
  it('decodes paths to UTF-8 and keeps every slash of an object name', () => {
    assert.equal(decodePath('/v1/a/c/%E6%97%A5'), '/v1/a/c/日');
    assert.equal(decodePath('/v1/a/c/a%00b'), undefined);
    assert.equal(decodePath('/v1/a/c/a%FFb'), undefined);
    assert.deepEqual(splitPath('/v1/AUTH_x/c//lead//x'), { version: 'v1', account: 'AUTH_x', container: 'c', object: '/lead//x' });
    assert.deepEqual(splitPath('/v1/AUTH_x/c/../../etc/passwd'), { version: 'v1', account: 'AUTH_x', container: 'c', object: '../../etc/passwd' });
    assert.deepEqual(splitPath('/v1/AUTH_x/c/dir/'), { version: 'v1', account: 'AUTH_x', container: 'c', object: 'dir/' });
    assert.equal(splitPath('/v1'), undefined);
  });

  it('title-cases header names as Python does', () => {
    assert.equal(titleCase('x-account-meta-temp-url-key'), 'X-Account-Meta-Temp-Url-Key');
    assert.equal(titleCase('k0ab_c'), 'K0Ab_C');
  });

  it('checks metadata in header order with Swift\'s sentences', () => {
    const s = defaultSettings();
    assert.equal(checkMetadata({ 'x-object-meta-': 'v' }, 'object', s)?.body, 'Metadata name cannot be empty');
    assert.equal(checkMetadata({ 'x-container-meta-a': '\xff' }, 'container', s)?.body, 'Metadata must be valid UTF-8');
    assert.equal(checkMetadata({ 'x-object-meta-a': '\xff' }, 'object', s), undefined, 'objects may carry any bytes');
    assert.equal(checkMetadata({ 'x-foo': 'v'.repeat(8193) }, 'object', s)?.body, 'Header value too long: X-Foo');
    assert.equal(checkMetadata({ 'x-object-meta-a': 'v'.repeat(256) }, 'object', s), undefined);
  });

  it('guesses types as Python\'s mimetypes', () => {
    assert.equal(guessType('a/b/guess.json'), 'application/json');
    assert.equal(guessType('x.TXT'), 'text/plain');
    assert.equal(guessType('x.tar.gz'), 'application/x-tar');
    assert.equal(guessType('x.tgz'), 'application/x-tar');
    assert.equal(guessType('.bashrc'), undefined);
    assert.equal(guessType('noext'), undefined);
  });

  it('writes JSON as json.dumps and listing times with microseconds', () => {
    assert.equal(pyJson([{ name: 'eé\u{1F600}/"', n: 1, t: true, z: null }]), '[{"name": "e\\u00e9\\ud83d\\ude00/\\"", "n": 1, "t": true, "z": null}]');
    assert.equal(isoTimestamp('1795569070.51616'), '2026-11-25T01:11:10.516160');
  });

  it('negotiates listing types as swob\'s best_match', () => {
    const offers = ['text/plain', 'application/json', 'application/xml', 'text/xml'];
    assert.equal(bestMatch(undefined, offers), 'text/plain');
    assert.equal(bestMatch('*/*', offers), 'text/plain');
    assert.equal(bestMatch('application/json', offers), 'application/json');
    assert.equal(bestMatch('text/*;q=0.5, application/xml', offers), 'application/xml');
    assert.equal(bestMatch('image/png', offers), undefined);
  });
});
