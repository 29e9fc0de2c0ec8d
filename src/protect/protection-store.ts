/**
 * The runtime state of every protection class, by name, outside snapshots: a reload keeps the
 * counts and counters of a class that stays, and forgets those of classes that go.
 * @module
 */
import { ProtectionState } from './protection-state.ts'

export class ProtectionStore {
  readonly #states = new Map<string, ProtectionState>()

  get(name: string): ProtectionState {
    let state = this.#states.get(name)
    if (state === undefined) {
      state = new ProtectionState()
      this.#states.set(name, state)
    }
    return state
  }

  /** Forgets the classes not named; connections still open keep their own reference. */
  retain(names: ReadonlySet<string>): void {
    for (const name of this.#states.keys()) if (!names.has(name)) this.#states.delete(name)
  }

  entries(): IterableIterator<[string, ProtectionState]> {
    return this.#states.entries()
  }
}
