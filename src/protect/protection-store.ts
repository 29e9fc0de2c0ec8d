/**
 * The runtime state of every protection class, by name, outside snapshots: a reload keeps the
 * counts and counters of a class that stays, and forgets those of classes that go.
 * @module
 */
import { classId, type AddressTable } from './address-table.ts'
import { ProtectionState } from './protection-state.ts'

export class ProtectionStore {
  readonly #states = new Map<string, ProtectionState>()
  /** With several workers: the per-address counts they share. */
  readonly #table: AddressTable | null

  constructor(table: AddressTable | null = null) {
    this.#table = table
  }

  get(name: string): ProtectionState {
    let state = this.#states.get(name)
    if (state === undefined) {
      state = new ProtectionState(this.#table === null ? null : { table: this.#table, cls: classId(name) })
      this.#states.set(name, state)
    }
    return state
  }

  /** This worker's open connections per class id and address (to recount the shared table). */
  ownCounts(): Map<number, Map<string, number>> {
    const out = new Map<number, Map<string, number>>()
    for (const [name, state] of this.#states) out.set(classId(name), new Map(state.connections))
    return out
  }

  /** Sets the shared open counts to these (every worker's own, after one died). */
  recount(counts: ReadonlyMap<number, ReadonlyMap<string, number>>): void {
    this.#table?.recount(counts)
  }

  /** Forgets the classes not named; connections still open keep their own reference. */
  retain(names: ReadonlySet<string>): void {
    for (const name of this.#states.keys()) if (!names.has(name)) this.#states.delete(name)
  }

  entries(): IterableIterator<[string, ProtectionState]> {
    return this.#states.entries()
  }
}
