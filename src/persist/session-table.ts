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
  /** With several workers: tells the others of a mapping made or deleted here (null node: deleted). */
  onChange: ((key: string, node: string | null) => void) | null = null

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
    const previous = this.#entries.get(key)?.node
    this.#entries.delete(key)
    this.#entries.set(key, { node, lastUsedMs: nowMs })
    this.#evict()
    // Only news travels: a session used again on its node stays a local refresh.
    if (previous !== node) this.onChange?.(key, node)
  }

  delete(key: string): void {
    this.#entries.delete(key)
    this.onChange?.(key, null)
  }

  /** A mapping another worker made (node) or deleted (null); not told back to the others. */
  applyRemote(key: string, node: string | null, nowMs: number): void {
    this.#entries.delete(key)
    if (node === null) return
    this.#entries.set(key, { node, lastUsedMs: nowMs })
    this.#evict()
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
