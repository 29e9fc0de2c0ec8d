/**
 * A `persistence/<name>` object as the data plane sees it in one snapshot: its type, its
 * failure mode, and (for types that remember sessions) its table in the PersistenceStore.
 * @module
 */
import type { PersistenceStore, TableLimits } from './persistence-store.ts'
import type { PersistenceType, PersistenceTypeSettings } from './persistence-type.ts'
import type { SessionTable } from './session-table.ts'

/**
 * vTM `failure_mode`: what happens when a session's node cannot take it (dead, disabled, gone,
 * refused the connection). `new_node`: the balancer picks another node, which becomes the
 * session's node. `close`: the connection is closed (HTTP: the error page). `url`: HTTP clients
 * are redirected to `url`; other protocols are closed.
 */
export type FailureMode = 'new_node' | 'close' | 'url'

export interface PersistenceClassSettings extends PersistenceTypeSettings {
  readonly name: string
  readonly failureMode: FailureMode
  readonly url: string
  /** vTM `delete`: forget the session on failure (always so with `new_node`). */
  readonly deleteOnFailure: boolean
}

export class PersistenceClass {
  readonly settings: PersistenceClassSettings
  readonly type: PersistenceType
  readonly #store: PersistenceStore
  readonly #limits: TableLimits
  #table: SessionTable | null = null

  constructor(settings: PersistenceClassSettings, type: PersistenceType, store: PersistenceStore, limits: TableLimits) {
    this.settings = settings
    this.type = type
    this.#store = store
    this.#limits = limits
  }

  get name(): string {
    return this.settings.name
  }

  /**
   * The class's session table, or null for types that remember nothing. Bound on first use, so
   * a snapshot that is built but never applied leaves the store untouched.
   */
  table(): SessionTable | null {
    if (!this.type.usesTable) return null
    this.#table ??= this.#store.table(this.settings.name, this.type.name, this.#limits)
    return this.#table
  }
}
