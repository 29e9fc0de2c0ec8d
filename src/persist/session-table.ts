/**
 * One class's session mappings (key to node): bounded in size, least recently used evicted
 * first, and optionally forgotten after a time without use. Lives outside snapshots.
 * @module
 */

interface Entry {
  node: string
  lastUsedMs: number
  /** When the others last heard this mapping was used (refreshRelayMs). */
  toldMs: number
}

export class SessionTable {
  /** Map iteration order is insertion order, so re-inserting on use keeps it in LRU order. */
  readonly #entries = new Map<string, Entry>()
  #maxEntries: number
  #expiryMs: number
  /** With several workers: tells the others of a mapping made or deleted here (null node: deleted). */
  onChange: ((key: string, node: string | null) => void) | null = null
  /**
   * Above 0: a mapping in use is told to the others again once this long has passed since they
   * last heard of it, so tables whose expiry others count (generations) stay alive everywhere.
   */
  refreshRelayMs = 0

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
    if (this.refreshRelayMs > 0 && nowMs - entry.toldMs >= this.refreshRelayMs) {
      entry.toldMs = nowMs
      this.onChange?.(key, entry.node)
    }
    return entry.node
  }

  /** Live mappings with how long each has been idle, least recently used first. */
  *entries(nowMs: number): Generator<[key: string, node: string, idleMs: number]> {
    for (const [key, e] of this.#entries) {
      const idle = nowMs - e.lastUsedMs
      if (this.#expiryMs === 0 || idle <= this.#expiryMs) yield [key, e.node, idle]
    }
  }

  /** Live mappings per node (or per whatever the values name). */
  countByNode(nowMs: number): Map<string, number> {
    const counts = new Map<string, number>()
    for (const [, node] of this.entries(nowMs)) counts.set(node, (counts.get(node) ?? 0) + 1)
    return counts
  }

  /** Maps `key` to `node` (`host:port`), replacing any earlier mapping. */
  set(key: string, node: string, nowMs: number): void {
    const previous = this.#entries.get(key)?.node
    this.#entries.delete(key)
    this.#entries.set(key, { node, lastUsedMs: nowMs, toldMs: nowMs })
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
    this.#entries.set(key, { node, lastUsedMs: nowMs, toldMs: nowMs })
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
