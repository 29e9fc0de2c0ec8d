/**
 * A `persistence/<name>` object as the data plane sees it in one snapshot: its type, its
 * failure mode, and (for types that remember sessions) its table in the PersistenceStore.
 * @module
 */
import { createHmac } from 'node:crypto'
import type { Pool } from '../pool/index.ts'
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
  /** Transparent cookie codes: node id to code and back, filled as nodes are met. */
  readonly #codes = new Map<string, string>()
  readonly #nodesByCode = new Map<string, string>()

  constructor(settings: PersistenceClassSettings, type: PersistenceType, store: PersistenceStore, limits: TableLimits) {
    this.settings = settings
    this.type = type
    this.#store = store
    this.#limits = limits
  }

  get name(): string {
    return this.settings.name
  }

  /** The transparent cookie's code for node `id`: an HMAC under the process's secret. */
  codeFor(id: string): string {
    let code = this.#codes.get(id)
    if (code === undefined) {
      code = createHmac('sha256', this.#store.secret).update(`${this.settings.name}\0${id}`).digest('base64url').slice(0, 27)
      this.#codes.set(id, code)
      this.#nodesByCode.set(code, id)
    }
    return code
  }

  /** The id of the node of `pool` whose code is `code`, or undefined (forged, stale or another pool's). */
  nodeForCode(code: string, pool: Pool): string | undefined {
    const known = this.#nodesByCode.get(code)
    if (known !== undefined) return known
    for (const node of pool.nodes) if (this.codeFor(node.id) === code) return node.id
    return undefined
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
