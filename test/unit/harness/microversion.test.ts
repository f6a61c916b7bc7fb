import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compareMicroversions,
  formatMicroversion,
  isMicroversion,
  microversionInRange,
  parseMicroversion,
} from '../../../harness/client/microversion';
import { microversionHeaders, microversionHeaderType } from '../../../harness/client/microversion-headers';

test('parseMicroversion reads X.Y (and vX.Y) and rejects anything else', () => {
  assert.deepEqual(parseMicroversion('2.47'), { major: 2, minor: 47 });
  assert.deepEqual(parseMicroversion('v3.71'), { major: 3, minor: 71 });
  assert.equal(formatMicroversion(parseMicroversion(' 2.100 ')), '2.100');
  for (const bad of ['2', '2.', '.1', '2.1.1', 'latest', '', 'two.one', '2.-1']) {
    assert.throws(() => parseMicroversion(bad), /is not a microversion/, bad);
    assert.equal(isMicroversion(bad), false, bad);
  }
});

test('compareMicroversions compares numerically, part by part', () => {
  assert.equal(compareMicroversions('2.9', '2.10'), -1);
  assert.equal(compareMicroversions('2.10', '2.9'), 1);
  assert.equal(compareMicroversions('2.1', '2.1'), 0);
  assert.equal(compareMicroversions('3.0', '2.99'), 1);
  assert.equal(compareMicroversions({ major: 1, minor: 39 }, '1.4'), 1);
});

test('microversionInRange includes both bounds and treats absent bounds as open', () => {
  assert.equal(microversionInRange('2.1', '2.1', '2.90'), true);
  assert.equal(microversionInRange('2.90', '2.1', '2.90'), true);
  assert.equal(microversionInRange('2.91', '2.1', '2.90'), false);
  assert.equal(microversionInRange('2.0', '2.1', '2.90'), false);
  assert.equal(microversionInRange('9.9', undefined, undefined), true);
  assert.equal(microversionInRange('3.72', undefined, '3.71'), false);
});

test('microversion headers: type per service and the legacy header for compute and volume', () => {
  assert.deepEqual(microversionHeaders('compute', '2.47'), {
    'OpenStack-API-Version': 'compute 2.47',
    'X-OpenStack-Nova-API-Version': '2.47',
  });
  for (const t of ['block-storage', 'volumev3', 'volume']) {
    assert.deepEqual(microversionHeaders(t, '3.59'), {
      'OpenStack-API-Version': 'volume 3.59',
      'X-OpenStack-Volume-API-Version': '3.59',
    });
  }
  assert.deepEqual(microversionHeaders('placement', '1.39'), { 'OpenStack-API-Version': 'placement 1.39' });
  assert.equal(microversionHeaderType('identity'), 'identity');
  assert.equal(microversionHeaderType('load-balancer'), 'load-balancer');
});
