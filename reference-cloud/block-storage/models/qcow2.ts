/**
 * A valid, empty qcow2 (version 2) image of a given virtual size: what an upload of a blank
 * volume in qcow2 looks like, without sending the volume's size in zeros. Four 64 KiB clusters:
 * the header, the refcount table, one refcount block (clusters 0-3 referenced once) and the L1
 * table (all entries zero: every guest cluster reads as zeros). `qemu-img info` reports the
 * virtual size; `qemu-img check` finds no errors.
 */
const CLUSTER_BITS = 16;
const CLUSTER = 1 << CLUSTER_BITS;

export function emptyQcow2(virtualSize: number): Buffer {
  // One L2 table maps CLUSTER/8 clusters; the L1 table has one entry per L2 table.
  const perL2 = (CLUSTER / 8) * CLUSTER;
  const l1Size = Math.max(1, Math.ceil(virtualSize / perL2));
  const l1Clusters = Math.ceil((l1Size * 8) / CLUSTER);
  const clusters = 3 + l1Clusters;
  const buf = Buffer.alloc(clusters * CLUSTER);
  buf.write('QFI\xfb', 0, 'latin1'); // magic
  buf.writeUInt32BE(2, 4); // version
  buf.writeBigUInt64BE(0n, 8); // backing_file_offset
  buf.writeUInt32BE(0, 16); // backing_file_size
  buf.writeUInt32BE(CLUSTER_BITS, 20);
  buf.writeBigUInt64BE(BigInt(virtualSize), 24);
  buf.writeUInt32BE(0, 32); // crypt_method
  buf.writeUInt32BE(l1Size, 36);
  buf.writeBigUInt64BE(BigInt(3 * CLUSTER), 40); // l1_table_offset
  buf.writeBigUInt64BE(BigInt(CLUSTER), 48); // refcount_table_offset
  buf.writeUInt32BE(1, 56); // refcount_table_clusters
  buf.writeUInt32BE(0, 60); // nb_snapshots
  buf.writeBigUInt64BE(0n, 64); // snapshots_offset
  buf.writeBigUInt64BE(BigInt(2 * CLUSTER), CLUSTER); // refcount table[0] -> the refcount block
  for (let i = 0; i < clusters; i++) buf.writeUInt16BE(1, 2 * CLUSTER + 2 * i); // 16-bit refcounts
  return buf;
}
