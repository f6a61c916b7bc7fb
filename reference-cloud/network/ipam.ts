/**
 * IP address management: subnets' allocation pools, allocation of the first free address, explicit
 * addresses, release. Uniqueness lives in SQLite (ip_allocations primary key), so two ports can
 * never hold the same address even under concurrency.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from '../core/store';
import { conflict, neutronError } from './errors';
import { contains, formatIp, parseCidr, parseIp, type Range } from './ip';
import type { Row } from './collection';

export interface FixedIp { subnet_id: string; ip_address: string }

export function poolRanges(subnet: Row): Range[] {
  return (subnet.allocation_pools as { start: string; end: string }[]).map((p) => ({ start: parseIp(p.start)!.value, end: parseIp(p.end)!.value }));
}

export class Ipam {
  private readonly db: Db;
  /**
   * Per subnet, an address below which every pool address was seen allocated: the scan for the
   * first free address starts there, so sequential allocation costs O(1) lookups, not O(ports).
   * Only a hint: lowered on every release and dropped when a transaction rolls back.
   */
  private readonly low = new Map<string, bigint>();

  constructor(db: Db) {
    this.db = db;
  }

  private readonly statements = new Map<string, Statement>();

  private sql(text: string): Statement {
    let s = this.statements.get(text);
    if (!s) {
      s = this.db.prepare(text);
      this.statements.set(text, s);
    }
    return s;
  }

  forgetHints(): void {
    this.low.clear();
  }

  private isTaken(subnetId: string, ip: string): boolean {
    return !!this.sql('SELECT 1 FROM ip_allocations WHERE subnet_id = ? AND ip_address = ?').get(subnetId, ip);
  }

  allocated(subnetId: string): Set<string> {
    return new Set((this.sql('SELECT ip_address FROM ip_allocations WHERE subnet_id = ?').all(subnetId) as { ip_address: string }[]).map((r) => r.ip_address));
  }

  usedCount(subnetId: string): number {
    return (this.sql('SELECT count(*) AS n FROM ip_allocations WHERE subnet_id = ?').get(subnetId) as { n: number }).n;
  }

  /** The first free address of the subnet's pools, or undefined when they are exhausted. */
  firstFree(subnet: Row): string | undefined {
    const version = subnet.ip_version as 4 | 6;
    const from = this.low.get(subnet.id) ?? 0n;
    // Bounds the scan of a huge (IPv6) pool by the number of allocations, counted only if needed.
    let used = Infinity;
    let seen = 0;
    for (const r of poolRanges(subnet).sort((a, b) => (a.start < b.start ? -1 : 1))) {
      // At most (allocated + 1) candidates are looked at, whatever the pool's size.
      for (let v = r.start > from ? r.start : from; v <= r.end; v++) {
        const text = formatIp(version, v);
        if (!this.isTaken(subnet.id, text)) {
          this.low.set(subnet.id, v);
          return text;
        }
        if (++seen % 1024 === 0 && used === Infinity) used = this.usedCount(subnet.id);
        if (seen > used) break;
      }
    }
    return undefined;
  }

  /** Records an allocation; 409 IpAddressAlreadyAllocated when the address is taken. */
  take(networkId: string, subnetId: string, ip: string, portId: string): void {
    const r = this.sql('INSERT OR IGNORE INTO ip_allocations (network_id, subnet_id, ip_address, port_id) VALUES (?, ?, ?, ?)').run(networkId, subnetId, ip, portId);
    if (r.changes === 0) throw conflict('IpAddressAlreadyAllocated', `IP address ${ip} already allocated in subnet ${subnetId}`);
  }

  /** Allocates the next free address of the subnet; 409 IpAddressGenerationFailure when none is left. */
  allocate(networkId: string, subnet: Row, portId: string): FixedIp {
    const ip = this.firstFree(subnet);
    if (!ip) throw ipGenerationFailure(networkId);
    this.take(networkId, subnet.id, ip, portId);
    return { subnet_id: subnet.id, ip_address: ip };
  }

  /** Canonical text of an address requested in the subnet, or 400 InvalidIpForSubnet. */
  checkInSubnet(subnet: Row, ip: string): string {
    const parsed = parseIp(ip);
    const cidr = parseCidr(subnet.cidr)!;
    if (!parsed || !contains(cidr, parsed)) {
      throw neutronError(400, 'InvalidIpForSubnet', `IP address ${ip} is not a valid IP for the specified subnet.`);
    }
    return formatIp(parsed.version, parsed.value);
  }

  /** The port holding an address of the subnet, if any. */
  holder(subnetId: string, ip: string): string | undefined {
    return (this.sql('SELECT port_id FROM ip_allocations WHERE subnet_id = ? AND ip_address = ?').get(subnetId, ip) as { port_id: string } | undefined)?.port_id;
  }

  releasePort(portId: string): void {
    this.low.clear();
    this.sql('DELETE FROM ip_allocations WHERE port_id = ?').run(portId);
  }

  release(portId: string, subnetId: string, ip: string): void {
    this.low.delete(subnetId);
    this.sql('DELETE FROM ip_allocations WHERE port_id = ? AND subnet_id = ? AND ip_address = ?').run(portId, subnetId, ip);
  }

  /** Ports holding an address from the subnet. */
  portsOnSubnet(subnetId: string): string[] {
    return (this.sql('SELECT DISTINCT port_id FROM ip_allocations WHERE subnet_id = ?').all(subnetId) as { port_id: string }[]).map((r) => r.port_id);
  }

  // ---- MAC addresses: fa:16:3e:xx:xx:xx, unique per network ----

  takeMac(networkId: string, mac: string, portId: string): void {
    const r = this.sql('INSERT OR IGNORE INTO mac_addresses (network_id, mac_address, port_id) VALUES (?, ?, ?)').run(networkId, mac, portId);
    if (r.changes === 0) {
      throw conflict('MacAddressInUse', `Unable to complete operation for network ${networkId}. The mac address ${mac} is in use.`);
    }
  }

  generateMac(networkId: string, portId: string): string {
    for (let i = 0; i < 16; i++) {
      const b = Array.from({ length: 3 }, () => Math.floor(Math.random() * 256).toString(16).padStart(2, '0'));
      const mac = `fa:16:3e:${b.join(':')}`;
      const r = this.sql('INSERT OR IGNORE INTO mac_addresses (network_id, mac_address, port_id) VALUES (?, ?, ?)').run(networkId, mac, portId);
      if (r.changes) return mac;
    }
    throw neutronError(503, 'MacAddressGenerationFailure', `Unable to generate unique mac on network ${networkId}.`);
  }

  releaseMac(portId: string): void {
    this.sql('DELETE FROM mac_addresses WHERE port_id = ?').run(portId);
  }
}

export const ipGenerationFailure = (networkId: string) =>
  conflict('IpAddressGenerationFailure', `No more IP addresses available on network ${networkId}.`);
