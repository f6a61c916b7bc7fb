/**
 * What a scenario changed that the ledger cannot undo with a DELETE: a host added to an
 * aggregate, a cell taken down. Each undo is registered before the change is made, runs after
 * the scenario whether it passed or failed (LIFO, before the ledger's deletes, so that a cell is
 * up again before its servers are deleted), and is dropped when the scenario undid it itself.
 */
import type { StackproofWorld } from './world';

interface Undo {
  key: string;
  label: string;
  run: () => Promise<void>;
}

const pending = new WeakMap<StackproofWorld, Undo[]>();

/** Registers (or replaces, by key) an undo for this scenario. */
export function undoAfterScenario(world: StackproofWorld, key: string, label: string, run: () => Promise<void>): void {
  const list = (pending.get(world) ?? []).filter((u) => u.key !== key);
  list.push({ key, label, run });
  pending.set(world, list);
}

/** The scenario undid it itself. */
export function undone(world: StackproofWorld, key: string): void {
  const list = pending.get(world);
  if (list) pending.set(world, list.filter((u) => u.key !== key));
}

/** Runs every pending undo, newest first; a failure is attached to the report and the others still run. */
export async function runUndos(world: StackproofWorld): Promise<void> {
  const list = pending.get(world) ?? [];
  pending.delete(world);
  for (const u of [...list].reverse()) {
    try {
      await u.run();
    } catch (e) {
      world.attach(`could not undo "${u.label}": ${(e as Error).message}`, 'text/plain');
    }
  }
}
