/** IP arithmetic: parsing, canonical text, CIDR normalisation, overlap, default pools. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defaultPools, formatCidr, formatIp, overlaps, parseCidr, parseIp } from '../../../reference-cloud/network/ip';

describe('ip', () => {
  it('parses and formats IPv4 and IPv6 canonically', () => {
    assert.equal(formatIp(4, parseIp('10.0.0.255')!.value), '10.0.0.255');
    assert.equal(parseIp('10.0.0.256'), undefined);
    assert.equal(parseIp('1.2.3'), undefined);
    assert.equal(formatIp(6, parseIp('fd00:0001:0000:0000:0000:0000:0000:0269')!.value), 'fd00:1::269');
    assert.equal(formatIp(6, parseIp('::')!.value), '::');
    assert.equal(formatIp(6, parseIp('2001:db8::1:0:0:1')!.value), '2001:db8::1:0:0:1');
    assert.equal(formatIp(6, parseIp('::ffff:10.1.2.3')!.value), '::ffff:a01:203');
    for (const bad of ['1:2:3:4:5:6:7:8:9', '1::2::3', 'g::1', '', 'x', 12, null]) assert.equal(parseIp(bad), undefined, String(bad));
  });

  it('normalises CIDRs and refuses malformed ones', () => {
    assert.equal(formatCidr(parseCidr('10.9.7.5/24')!), '10.9.7.0/24');
    assert.equal(formatCidr(parseCidr('fd00:1::5/64')!), 'fd00:1::/64');
    for (const bad of ['10.0.0.0/33', '10.20.300.0/24', '10.0.0.0/x', '10.0.0.0/24/1', 'fd00::/129']) assert.equal(parseCidr(bad), undefined, bad);
  });

  it('detects overlap only within one IP version', () => {
    assert.ok(overlaps(parseCidr('10.0.0.0/24')!, parseCidr('10.0.0.128/25')!));
    assert.ok(!overlaps(parseCidr('10.0.0.0/25')!, parseCidr('10.0.0.128/25')!));
    assert.ok(!overlaps(parseCidr('0.0.0.0/0')!, parseCidr('::/0')!));
  });

  it('gives Neutron\'s default pools: IPv4 without network, broadcast and gateway; IPv6 to the last address', () => {
    const v4 = parseCidr('10.0.0.0/24')!;
    assert.deepEqual(defaultPools(v4, v4.network + 1n).map((r) => [formatIp(4, r.start), formatIp(4, r.end)]), [['10.0.0.2', '10.0.0.254']]);
    assert.deepEqual(defaultPools(v4, v4.network + 10n).map((r) => [formatIp(4, r.start), formatIp(4, r.end)]), [['10.0.0.1', '10.0.0.9'], ['10.0.0.11', '10.0.0.254']]);
    assert.deepEqual(defaultPools(v4, undefined).map((r) => [formatIp(4, r.start), formatIp(4, r.end)]), [['10.0.0.1', '10.0.0.254']]);
    const v6 = parseCidr('fd00:1::/64')!;
    assert.deepEqual(defaultPools(v6, v6.network).map((r) => [formatIp(6, r.start), formatIp(6, r.end)]), [['fd00:1::1', 'fd00:1::ffff:ffff:ffff:ffff']]);
  });
});
