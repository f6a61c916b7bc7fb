/**
 * Network (Neutron) steps: address checks, paging markers, and the clean-up of what Neutron
 * creates on its own (each project's `default` security group, made on first use).
 */
import { Then } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import { BlockList, isIP } from 'node:net';
import { at } from './json-path';
import type { StackproofWorld } from './support/world';

function inCidr(ip: string, cidr: string): boolean {
  const [net, len] = cidr.split('/');
  const family = isIP(net!) === 6 ? 'ipv6' : 'ipv4';
  if (isIP(ip) !== isIP(net!)) return false;
  const list = new BlockList();
  list.addSubnet(net!, Number(len), family);
  return list.check(ip, family);
}

function inRange(ip: string, start: string, end: string): boolean {
  const family = isIP(start) === 6 ? 'ipv6' : 'ipv4';
  if (isIP(ip) !== isIP(start)) return false;
  const list = new BlockList();
  list.addRange(start, end, family);
  return list.check(ip, family);
}

Then(/^"([^"]*)" in the response is (an|not an) IP address inside "([^"]*)"$/, function (this: StackproofWorld, path: string, how: string, cidr: string) {
  const v = at(this.json(), path);
  const c = this.expand(cidr);
  assert.ok(typeof v === 'string' && isIP(v) !== 0, `${path} in the response is ${JSON.stringify(v)}, not an IP address`);
  assert.equal(inCidr(v, c), how === 'an', `${path} in the response is ${v}, ${how === 'an' ? 'outside' : 'inside'} ${c}`);
});

Then('{string} in the response is an IP address from {string} to {string}', function (
  this: StackproofWorld, path: string, start: string, end: string) {
  const v = at(this.json(), path);
  const [s, e] = [this.expand(start), this.expand(end)];
  assert.ok(typeof v === 'string' && isIP(v) !== 0, `${path} in the response is ${JSON.stringify(v)}, not an IP address`);
  assert.ok(inRange(v, s, e), `${path} in the response is ${v}, outside ${s}-${e}`);
});

/** Reads the marker out of a `<collection>_links` entry (rel next or previous). */
Then('I remember the marker of the {string} link in {string} as {string}', function (
  this: StackproofWorld, rel: string, path: string, name: string) {
  const links = at(this.json(), path);
  assert.ok(Array.isArray(links), `${path} in the response is not a list: ${JSON.stringify(links)}`);
  const link = (links as { rel?: string; href?: string }[]).find((l) => l.rel === rel);
  assert.ok(link?.href, `${path} has no "${rel}" link: ${JSON.stringify(links)}`);
  const marker = new URL(link.href).searchParams.get('marker');
  assert.ok(marker, `the "${rel}" link has no marker: ${link.href}`);
  this.vars[name] = marker;
});
