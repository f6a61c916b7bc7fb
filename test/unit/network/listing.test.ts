/** The collection mechanism: filters by any attribute, tags filters, fields, sorting, paging. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { NetworkBackend } from '../../../reference-cloud/network/backend';
import { ADMIN, ALICE, BOB, READER, create, list, thrown, useBackend } from './helpers';

describe('listing and visibility', () => {
  let b: NetworkBackend;
  useBackend((t) => { b = t.b; });

  it('filters by any attribute with typed values, and refuses unknown filters', () => {
    create(b, 'networks', ALICE, { name: 'f-a', admin_state_up: false, mtu: 1400 });
    create(b, 'networks', ALICE, { name: 'f-b' });
    assert.deepEqual(list(b, 'networks', ALICE, { admin_state_up: 'false' }).map((n) => n.name), ['f-a']);
    assert.deepEqual(list(b, 'networks', ALICE, { mtu: '1400' }).map((n) => n.name), ['f-a']);
    assert.deepEqual(list(b, 'networks', ALICE, { name: ['f-a', 'f-b'] }).map((n) => n.name).sort(), ['f-a', 'f-b']);
    assert.equal(thrown(() => list(b, 'networks', ALICE, { colour: 'red' })).message, "['colour'] is invalid attribute for filtering");
    assert.equal(thrown(() => list(b, 'networks', ALICE, { mtu: 'abc' })).type, 'InvalidInput');
  });

  it('filters by tags (all, any, not, not-any)', () => {
    const t = (name: string, tags: string[]) => {
      const n = create(b, 'networks', BOB, { name });
      n.tags = tags;
      b.coll('networks').save(n);
    };
    t('t-1', ['red', 'blue']);
    t('t-2', ['red']);
    t('t-3', []);
    const names = (query: Record<string, string>) => list(b, 'networks', BOB, { ...query, name: ['t-1', 't-2', 't-3'] }).map((n) => n.name).sort();
    assert.deepEqual(names({ tags: 'red,blue' }), ['t-1']);
    assert.deepEqual(names({ 'tags-any': 'blue,red' }), ['t-1', 't-2']);
    assert.deepEqual(names({ 'not-tags': 'red,blue' }), ['t-2', 't-3']);
    assert.deepEqual(names({ 'not-tags-any': 'blue' }), ['t-2', 't-3']);
  });

  it('sorts and pages with a marker, forwards and backwards, without skipping or repeating', () => {
    const p = { ...ALICE, projectId: 'pager' };
    for (let i = 0; i < 7; i++) create(b, 'networks', p, { name: `page-${i % 3}` });
    const all = list(b, 'networks', p, { sort_key: ['name'], sort_dir: ['desc'] });
    const seen: string[] = [];
    let marker: string | undefined;
    for (;;) {
      const page = list(b, 'networks', p, { sort_key: ['name'], sort_dir: ['desc'], limit: '3', ...(marker ? { marker } : {}) });
      seen.push(...page.map((n) => n.id));
      if (page.length < 3) break;
      marker = page[page.length - 1].id;
    }
    assert.deepEqual(seen, all.map((n) => n.id));
    assert.deepEqual(all.map((n) => n.name), ['page-2', 'page-2', 'page-1', 'page-1', 'page-0', 'page-0', 'page-0']);
    const back = list(b, 'networks', p, { sort_key: ['name'], sort_dir: ['desc'], limit: '2', marker: all[4].id, page_reverse: 'True' });
    assert.deepEqual(back.map((n) => n.id), [all[2].id, all[3].id]);
    assert.equal(thrown(() => list(b, 'networks', p, { marker: '0ed7aed0-8edd-42d0-929f-a6995bef7b01', limit: '2' })).type, 'NetworkNotFound');
    assert.equal(thrown(() => list(b, 'networks', p, { sort_key: 'name' })).message, 'The number of sort_keys and sort_dirs must be same');
    assert.equal(thrown(() => list(b, 'networks', p, { limit: 'abc' })).message, "Bad limit request: Limit must be an integer 0 or greater and not 'abc'.");
  });

  it('shows shared and external networks to every project, hides the rest, and strips admin-only attributes', () => {
    const shared = create(b, 'networks', ADMIN, { name: 'v-shared', shared: true });
    const ext = create(b, 'networks', ADMIN, { name: 'v-ext', 'router:external': true });
    const hidden = create(b, 'networks', ADMIN, { name: 'v-hidden' });
    const seen = list(b, 'networks', BOB, { name: ['v-shared', 'v-ext', 'v-hidden'] }).map((n) => n.id).sort();
    assert.deepEqual(seen, [shared.id, ext.id].sort());
    assert.equal(thrown(() => b.show(b.type('networks'), BOB, hidden.id)).type, 'NetworkNotFound');
    const rendered = b.render(b.type('networks'), shared, BOB);
    assert.ok(!('provider:network_type' in rendered), 'provider attributes are admin-only');
    assert.ok('provider:network_type' in b.render(b.type('networks'), shared, ADMIN));
    assert.deepEqual(Object.keys(b.render(b.type('networks'), shared, BOB, ['id', 'name'])), ['id', 'name']);
    const e = thrown(() => b.update(b.type('networks'), BOB, shared.id, { network: { name: 'hijack' } }));
    assert.equal(e.type, 'PolicyNotAuthorized');
    assert.equal(e.message, 'rule:update_network is disallowed by policy');
  });

  it('lets a reader read but not write, and a member not set admin-only attributes', () => {
    const n = create(b, 'networks', ALICE, { name: 'r-target' });
    assert.equal(b.show(b.type('networks'), READER, n.id).id, n.id);
    assert.equal(thrown(() => create(b, 'networks', READER, { name: 'r-new' })).status, 403);
    assert.equal(thrown(() => b.delete(b.type('networks'), READER, n.id)).status, 403);
    const e = thrown(() => create(b, 'networks', ALICE, { name: 'x', shared: true }));
    assert.equal(e.message, '(rule:create_network and rule:create_network:shared) is disallowed by policy');
  });

  it('increments revision_number on update and honours If-Match', () => {
    const n = create(b, 'networks', ALICE, { name: 'rev' });
    const u = b.update(b.type('networks'), ALICE, n.id, { network: { name: 'rev-2' } });
    assert.equal(u.revision_number, Number(n.revision_number) + 1);
    const e = thrown(() => b.update(b.type('networks'), ALICE, n.id, { network: { name: 'rev-3' } }, `revision_number=${n.revision_number}`));
    assert.equal(e.status, 412);
    b.update(b.type('networks'), ALICE, n.id, { network: { name: 'rev-3' } }, `revision_number=${u.revision_number}`);
  });
});
