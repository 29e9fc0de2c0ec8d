/**
 * Every persistence class of one snapshot, and the per-transaction entry point: which class
 * applies (the rule's choice, else the pool's `persistence_class`) and with which key.
 * @module
 */
import type { Pool } from '../pool/index.ts'
import type { PersistenceClass } from './persistence-class.ts'
import { PersistenceSession } from './persistence-session.ts'
import type { PersistenceRequest } from './persistence-type.ts'

/**
 * The persistence choices rules made; the rules engine's `Decision` has exactly these fields.
 * `persistenceClass` null or '' means the pool's class.
 */
export interface PersistenceChoice {
  readonly persistenceClass: string | null
  readonly persistenceKey: string | null
  readonly persistenceNode: string | null
}

const NO_CHOICE: PersistenceChoice = Object.freeze({ persistenceClass: null, persistenceKey: null, persistenceNode: null })

export class PersistenceClasses {
  readonly #classes: ReadonlyMap<string, PersistenceClass>
  readonly #nowMs: () => number

  constructor(classes: ReadonlyMap<string, PersistenceClass>, nowMs: () => number) {
    this.#classes = classes
    this.#nowMs = nowMs
  }

  /** Names of every class. */
  names(): string[] {
    return [...this.#classes.keys()]
  }

  get(name: string): PersistenceClass | undefined {
    return this.#classes.get(name)
  }

  /**
   * The persistence session of a transaction about to use `pool`, or null when no class applies
   * (none chosen, an unknown name, or no key: no universal key set, no named node) and the
   * balancer alone picks. `request` is the HTTP request (null on TCP); types read its cookies
   * only when their class applies, so pools without persistence pay nothing for them.
   */
  open(pool: Pool, clientIp: string, choice: PersistenceChoice | null = NO_CHOICE, request: PersistenceRequest | null = null, tlsSession: string | null = null): PersistenceSession | null {
    const c = choice ?? NO_CHOICE
    const name = c.persistenceClass === null || c.persistenceClass === '' ? pool.settings.persistenceClass : c.persistenceClass
    if (name === '') return null
    const cls = this.#classes.get(name)
    if (cls === undefined) return null
    const key = cls.type.keyOf({ clientIp, key: c.persistenceKey, node: c.persistenceNode, request, tlsSession }, cls.settings)
    return key === null ? null : new PersistenceSession(cls, key, this.#nowMs)
  }
}

/** A snapshot without persistence classes. */
export const NO_PERSISTENCE = new PersistenceClasses(new Map(), () => 0)
