/**
 * Session tables of every persistence class, kept across configuration reloads (keyed by class
 * name). A class whose type changes starts afresh; a deleted class's table is dropped.
 * @module
 */
import { randomBytes } from 'node:crypto'
import { SessionTable } from './session-table.ts'

/** Table bounds: `session.<type>_cache_size` and `_cache_expiry` (seconds, 0 = never). */
export interface TableLimits {
  readonly maxEntries: number
  readonly expiryMs: number
}

/** What a store shares with the other workers of one Sluice. */
export interface SessionSharing {
  /** The transparent cookies' key, the same in every worker. */
  readonly secret: Buffer
  /** A mapping of class `name` was made (node) or deleted (null) in this worker. */
  readonly onChange: (name: string, key: string, node: string | null) => void
}

/** Most mappings kept per class before this worker has used the class. */
const EARLY_LIMIT = 100_000

export class PersistenceStore {
  readonly #tables = new Map<string, { type: string; table: SessionTable }>()
  /**
   * The key of transparent cookies' codes: made per process (and handed to its workers), so it
   * never leaves it; after a restart, old cookies name no node and their sessions start again.
   */
  readonly secret: Buffer
  readonly #sharing: SessionSharing | null
  /**
   * Mappings other workers made in classes this worker has not used yet (tables are made on
   * first use), replayed when the table is made; at most `maxEntries` per class are kept.
   */
  readonly #early = new Map<string, Map<string, { node: string; atMs: number }>>()
  /** A cluster member (issue #16): told of every mapping made or deleted in this thread. */
  onLocalChange: ((name: string, key: string, node: string | null) => void) | null = null

  /** `secret`: the transparent cookies' key when not the workers' (a cluster's, issue #16). */
  constructor(sharing: SessionSharing | null = null, secret: Buffer | null = null) {
    this.#sharing = sharing
    this.secret = sharing?.secret ?? secret ?? randomBytes(32)
  }

  /** The table of class `name` of `type`, created (or recreated after a type change) on demand. */
  table(name: string, type: string, limits: TableLimits): SessionTable {
    const found = this.#tables.get(name)
    if (found !== undefined && found.type === type) {
      found.table.configure(limits.maxEntries, limits.expiryMs)
      return found.table
    }
    const table = new SessionTable(limits.maxEntries, limits.expiryMs)
    this.#tables.set(name, { type, table })
    const early = this.#early.get(name)
    this.#early.delete(name)
    if (early !== undefined) for (const [key, e] of early) table.applyRemote(key, e.node, e.atMs)
    const sharing = this.#sharing
    table.onChange = (key, node) => {
      sharing?.onChange(name, key, node)
      this.onLocalChange?.(name, key, node)
    }
    return table
  }

  /** A mapping another worker made or deleted in class `name`. */
  applyRemote(name: string, key: string, node: string | null, nowMs: number): void {
    const found = this.#tables.get(name)
    if (found !== undefined) {
      found.table.applyRemote(key, node, nowMs)
      return
    }
    let early = this.#early.get(name)
    if (early === undefined) {
      early = new Map()
      this.#early.set(name, early)
    }
    early.delete(key)
    if (node !== null) early.set(key, { node, atMs: nowMs })
    if (early.size > EARLY_LIMIT) early.delete(early.keys().next().value ?? '')
  }

  /** Drops the tables of classes not in `names` (deleted from the configuration). */
  retain(names: ReadonlySet<string>): void {
    for (const name of [...this.#tables.keys()]) if (!names.has(name)) this.#tables.delete(name)
    for (const name of [...this.#early.keys()]) if (!names.has(name)) this.#early.delete(name)
  }

  /** The table of `name` if it exists (made by `table`), for reading. */
  existing(name: string): SessionTable | undefined {
    return this.#tables.get(name)?.table
  }

  /** Live mappings of the tables whose names start with `prefix`: [table, key, node, idle ms]. */
  dump(prefix: string, nowMs: number): [string, string, string, number][] {
    const out: [string, string, string, number][] = []
    for (const [name, { table }] of this.#tables) {
      if (!name.startsWith(prefix)) continue
      for (const [key, node, idleMs] of table.entries(nowMs)) out.push([name, key, node, idleMs])
    }
    return out
  }

  /** Mappings from `dump` (another worker's, or saved before a restart), idle as long as they were. */
  load(entries: readonly (readonly [string, string, string, number])[], nowMs: number): void {
    for (const [name, key, node, idleMs] of entries) this.applyRemote(name, key, node, nowMs - idleMs)
  }

  /** Number of mappings held by class `name` (for statistics and tests). */
  sessions(name: string): number {
    return this.#tables.get(name)?.table.size ?? 0
  }
}
