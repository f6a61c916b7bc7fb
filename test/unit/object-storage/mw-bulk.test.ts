/** Bulk delete: the report formats (recorded), Not Found and Conflict accounting, limits, Accept negotiation. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, it } from 'node:test';
import { bulk } from '../../../reference-cloud/object-storage/middleware/bulk';
import { bestMatch, reportBody, streamedReport } from '../../../reference-cloud/object-storage/middleware/report';
import { defaultSettings } from '../../../reference-cloud/object-storage/settings';
import type { SwiftHandler } from '../../../reference-cloud/object-storage/context';
import { FakeProxy, fakeAuth, header, pipelineOf, request, testContext, text } from './mw-fake-proxy';

const FIXTURES = join(__dirname, '../../fixtures/swift-zed');
const recorded = (name: string): string => (JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as { response: { bodyText: string } }).response.bodyText;

const A = '/v1/AUTH_p';
const T = { 'x-auth-token': 'p', 'content-type': 'text/plain' };

describe('bulk delete', () => {
  let proxy: FakeProxy;
  let app: SwiftHandler;
  beforeEach(() => {
    proxy = new FakeProxy();
    proxy.putContainer('AUTH_p', 'bulk');
    proxy.putContainer('AUTH_p', 'full');
    proxy.putObject('AUTH_p', 'bulk', 'x1', '1');
    proxy.putObject('AUTH_p', 'bulk', 'sp ace', '2');
    proxy.putObject('AUTH_p', 'bulk', 'x2', '3');
    proxy.putObject('AUTH_p', 'full', 'o', '4');
    const settings = { ...defaultSettings(), bulk: { ...defaultSettings().bulk, maxDeletesPerRequest: 5 } };
    app = pipelineOf([bulk(testContext(proxy, settings)), fakeAuth()], proxy.handler);
  });
  const del = (body: string, headers: Record<string, string> = {}, method = 'POST') =>
    app(request(method, `${A}?bulk-delete`, { ...T, ...headers }, body));

  it('deletes objects (URL-encoded, with or without a leading slash) and counts the missing as not found', async () => {
    const res = await del('/bulk/x1\nbulk/sp%20ace\n/bulk/nope\n/nope-container/x\n', { accept: 'application/json' });
    assert.equal(res.status, 200);
    assert.equal(header(res, 'content-type'), 'application/json');
    assert.equal(header(res, 'content-length'), undefined);
    assert.equal(await text(res), recorded('bulk-delete-json'));
    assert.equal(proxy.getObject('AUTH_p', 'bulk', 'sp ace'), undefined);
  });

  it('reports in plain text by default and in XML on request (the recorded bodies)', async () => {
    const plain = await del('/bulk/x2\n');
    assert.equal(header(plain, 'content-type'), 'text/plain');
    assert.equal(await text(plain), recorded('bulk-delete-plain'));
    const xml = await del('/bulk/x2\n', { accept: 'application/xml' }, 'DELETE');
    assert.equal(header(xml, 'content-type'), 'application/xml');
    assert.equal(await text(xml), recorded('bulk-delete-xml'));
  });

  it('deletes containers after objects; a non-empty container is a 409 inside a 200', async () => {
    const res = await del('/full\n', { accept: 'application/json' });
    assert.equal(res.status, 200);
    assert.equal(await text(res), recorded('bulk-delete-container-not-empty').replace('/rec-fca443-list', '/full'));
    const both = await del('/bulk\n/bulk/x1\n/bulk/x2\n/bulk/sp%20ace\n', { accept: 'application/json' });
    assert.deepEqual(JSON.parse(await text(both))['Number Deleted'], 4);
    assert.equal(proxy.container('AUTH_p', 'bulk'), undefined);
  });

  it('an empty body is an invalid bulk delete; too many names, a wrong type, no length are refused in the report', async () => {
    assert.equal(await text(await del('', { accept: 'application/json' })), recorded('bulk-delete-empty-body'));
    const many = JSON.parse(await text(await del('a/1\na/2\na/3\na/4\na/5\na/6\n', { accept: 'application/json' })));
    assert.equal(many['Response Status'], '413 Request Entity Too Large');
    assert.equal(many['Response Body'], 'Maximum Bulk Deletes: 5 per request');
    const typed = JSON.parse(await text(await del('/bulk/x1\n', { accept: 'application/json', 'content-type': 'application/json' })));
    assert.equal(typed['Response Status'], '406 Not Acceptable');
    const noLength = await app({ ...request('POST', `${A}?bulk-delete`, { ...T, accept: 'application/json' }), body: undefined });
    assert.equal(JSON.parse(await text(noLength))['Response Status'], '411 Length Required');
    assert.ok(proxy.getObject('AUTH_p', 'bulk', 'x1'));
    const bad = JSON.parse(await text(await del('/bulk/%FF\n', { accept: 'application/json' })));
    assert.deepEqual(bad.Errors, [['/bulk/%FF', '412 Precondition Failed']]);
  });

  it('deletes with the caller\'s identity: another account\'s objects fail with 403, anonymous with 401', async () => {
    proxy.putContainer('AUTH_q', 'qc');
    proxy.putObject('AUTH_q', 'qc', 'o', 'x');
    const other = await app(request('POST', '/v1/AUTH_q?bulk-delete', { ...T, accept: 'application/json' }, '/qc/o\n'));
    assert.deepEqual(JSON.parse(await text(other)).Errors, [['/qc/o', '403 Forbidden']]);
    const anon = await app(request('POST', '/v1/AUTH_q?bulk-delete', { 'content-type': 'text/plain', accept: 'application/json' }, '/qc/o\n'));
    assert.deepEqual(JSON.parse(await text(anon)).Errors, [['/qc/o', '401 Unauthorized']]);
    assert.ok(proxy.getObject('AUTH_q', 'qc', 'o'));
  });

  it('chooses the report format as swob best_match does', () => {
    assert.equal(bestMatch(undefined), 'text/plain');
    assert.equal(bestMatch('application/json'), 'application/json');
    assert.equal(bestMatch('text/*'), 'text/plain');
    assert.equal(bestMatch('*/*'), 'text/plain');
    assert.equal(bestMatch('text/xml;q=0.5, application/json'), 'application/json');
    assert.equal(bestMatch('image/png'), undefined);
    assert.equal(reportBody('text/xml', { 'Response Body': 'a<b' }, [['/c/&', '409 Conflict']], 'delete'),
      '<delete>\n<response_body>a&lt;b</response_body>\n<errors>\n<object><name>/c/&amp;</name><status>409 Conflict</status></object>\n</errors>\n</delete>\n');
  });
});

describe('bulk delete names', () => {
  it('takes raw UTF-8 and percent-encoded UTF-8 alike', async () => {
    const proxy = new FakeProxy();
    proxy.putContainer('AUTH_p', 'c');
    proxy.putObject('AUTH_p', 'c', 'café', '1');
    proxy.putObject('AUTH_p', 'c', '日本', '2');
    const app = pipelineOf([bulk(testContext(proxy)), fakeAuth()], proxy.handler);
    const res = await app(request('POST', `${A}?bulk-delete`, { ...T, accept: 'application/json' }, Buffer.from('/c/café\n/c/%E6%97%A5%E6%9C%AC\n')));
    assert.equal(JSON.parse(await text(res))['Number Deleted'], 2);
  });
});

describe('streamed reports', () => {
  it('write a space while the work runs, then a blank line and the report', async () => {
    const slow = () => new Promise<string>((r) => setTimeout(() => r('Number Deleted: 1\n'), 130));
    const plain = await text(streamedReport(200, 'text/plain', 0.04, slow));
    assert.match(plain, /^ {2,}\r\n\r\nNumber Deleted: 1\n$/);
    const xml = await text(streamedReport(200, 'application/xml', 0.04, slow));
    assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n +\r\n\r\nNumber Deleted: 1\n$/);
    const quick = await text(streamedReport(200, 'text/plain', 0.04, async () => 'done'));
    assert.equal(quick, 'done');
  });
});
