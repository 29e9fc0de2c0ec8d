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

export class PersistenceStore {
  readonly #tables = new Map<string, { type: string; table: SessionTable }>()
  /**
   * The key of transparent cookies' codes: made per process, so it never leaves it; after a
   * restart, old cookies name no node and their sessions start again.
   */
  readonly secret: Buffer = randomBytes(32)

  /** The table of class `name` of `type`, created (or recreated after a type change) on demand. */
  table(name: string, type: string, limits: TableLimits): SessionTable {
    const found = this.#tables.get(name)
    if (found !== undefined && found.type === type) {
      found.table.configure(limits.maxEntries, limits.expiryMs)
      return found.table
    }
    const table = new SessionTable(limits.maxEntries, limits.expiryMs)
    this.#tables.set(name, { type, table })
    return table
  }

  /** Drops the tables of classes not in `names` (deleted from the configuration). */
  retain(names: ReadonlySet<string>): void {
    for (const name of [...this.#tables.keys()]) if (!names.has(name)) this.#tables.delete(name)
  }

  /** Number of mappings held by class `name` (for statistics and tests). */
  sessions(name: string): number {
    return this.#tables.get(name)?.table.size ?? 0
  }
}
