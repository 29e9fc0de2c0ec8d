/**
 * The `data.*` store of one worker among several: every change made here is applied locally at
 * once and told to the other workers, which apply it when the news arrives (within one message
 * hop; see docs/workers.md for what that means for a rule that reads straight after another
 * worker wrote).
 * @module
 */
import type { DataStore, Value } from '../rules/index.ts'
import { MemoryDataStore } from '../rules/index.ts'

/** One change to the store, as told to the other workers. */
export type DataChange =
  | { readonly op: 'set'; readonly key: string; readonly value: Value }
  | { readonly op: 'remove'; readonly key: string }
  | { readonly op: 'reset'; readonly prefix: string }

export class SharedDataStore implements DataStore {
  readonly #local: MemoryDataStore
  readonly #tell: (change: DataChange) => void

  constructor(maxBytes: number, tell: (change: DataChange) => void) {
    this.#local = new MemoryDataStore(maxBytes)
    this.#tell = tell
  }

  get(key: string): Value | undefined {
    return this.#local.get(key)
  }

  set(key: string, value: Value): boolean {
    const stored = this.#local.set(key, value)
    // What is sent is the stored copy (doubles already turned to strings), so it clones cleanly.
    const copy = this.#local.get(key)
    if (stored && copy !== undefined) this.#tell({ op: 'set', key, value: copy })
    return stored
  }

  remove(key: string): boolean {
    const removed = this.#local.remove(key)
    if (removed) this.#tell({ op: 'remove', key })
    return removed
  }

  reset(prefix: string): void {
    this.#local.reset(prefix)
    this.#tell({ op: 'reset', prefix })
  }

  usedBytes(): number {
    return this.#local.usedBytes()
  }

  freeBytes(): number {
    return this.#local.freeBytes()
  }

  /** A change another worker made. */
  applyRemote(change: DataChange): void {
    if (change.op === 'set') this.#local.set(change.key, change.value)
    else if (change.op === 'remove') this.#local.remove(change.key)
    else this.#local.reset(change.prefix)
  }
}
