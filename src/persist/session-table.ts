/**
 * One class's session mappings (key to node): bounded in size, least recently used evicted
 * first, and optionally forgotten after a time without use. Lives outside snapshots.
 * @module
 */

interface Entry {
  node: string
  lastUsedMs: number
}

export class SessionTable {
  /** Map iteration order is insertion order, so re-inserting on use keeps it in LRU order. */
  readonly #entries = new Map<string, Entry>()
  #maxEntries: number
  #expiryMs: number

  /** `maxEntries` at least 1; `expiryMs` 0 = mappings never expire. */
  constructor(maxEntries: number, expiryMs: number) {
    this.#maxEntries = Math.max(1, maxEntries)
    this.#expiryMs = Math.max(0, expiryMs)
  }

  get size(): number {
    return this.#entries.size
  }

  /** Applies new limits (a reload may change them); evicts at once if the table shrank. */
  configure(maxEntries: number, expiryMs: number): void {
    this.#maxEntries = Math.max(1, maxEntries)
    this.#expiryMs = Math.max(0, expiryMs)
    this.#evict()
  }

  /** The node mapped to `key`, or undefined (never set, evicted or expired). Marks it used. */
  get(key: string, nowMs: number): string | undefined {
    const entry = this.#entries.get(key)
    if (entry === undefined) return undefined
    this.#entries.delete(key)
    if (this.#expiryMs > 0 && nowMs - entry.lastUsedMs > this.#expiryMs) return undefined
    entry.lastUsedMs = nowMs
    this.#entries.set(key, entry)
    return entry.node
  }

  /** Maps `key` to `node` (`host:port`), replacing any earlier mapping. */
  set(key: string, node: string, nowMs: number): void {
    this.#entries.delete(key)
    this.#entries.set(key, { node, lastUsedMs: nowMs })
    this.#evict()
  }

  delete(key: string): void {
    this.#entries.delete(key)
  }

  clear(): void {
    this.#entries.clear()
  }

  #evict(): void {
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next()
      if (oldest.done === true) return
      this.#entries.delete(oldest.value)
    }
  }
}
