/**
 * Session persistence for one transaction: finds the node its session is pinned to, applies the
 * class's failure mode when that node cannot take it, and remembers the node that did.
 * @module
 */
import { POOL_BUSY, isSessionRefusal, type Pool, type PoolNode, type SessionChooser, type SessionRefusal } from '../pool/index.ts'
import type { PersistenceClass } from './persistence-class.ts'

/** The session's node could not be used and the class's failure mode says not to balance. */
export type PersistenceFailure = SessionRefusal

/** What `PersistenceSession.choose` returns: as `Pool.choose`, or a failure to act on. */
export type PersistentChoice = PoolNode | typeof POOL_BUSY | undefined | PersistenceFailure

/** Narrows a choice to a failure (close the connection, or redirect). */
export const isPersistenceFailure: (choice: PersistentChoice) => choice is PersistenceFailure = isSessionRefusal

/** Finds node `id` in `pool`; a named node with another port falls back to a node on the same host. */
function findNode(pool: Pool, id: string, allowSameHost: boolean): PoolNode | undefined {
  for (const node of pool.nodes) if (node.id === id) return node
  if (!allowSameHost) return undefined
  const colon = id.lastIndexOf(':')
  const host = colon < 0 ? id : id.slice(0, colon)
  for (const node of pool.nodes) if (node.status.host === host.replace(/^\[|\]$/g, '')) return node
  return undefined
}

export class PersistenceSession implements SessionChooser {
  readonly cls: PersistenceClass
  /**
   * The session key (client subnet, universal key, named node, cookie value or transparent
   * code); '' for a session not known yet, which the response may start.
   */
  readonly key: string
  readonly #nowMs: () => number
  /** The node that took the transaction, once one has. */
  node: PoolNode | null = null

  constructor(cls: PersistenceClass, key: string, nowMs: () => number) {
    this.cls = cls
    this.key = key
    this.#nowMs = nowMs
  }

  /**
   * Chooses a node of `pool`: the session's node while it can take the session (alive, not
   * disabled, not failed, not in `tried`; draining is fine), the balancer's pick for a new
   * session, otherwise what the class's failure mode says.
   */
  choose(pool: Pool, tried: readonly PoolNode[] | null): PersistentChoice {
    const cls = this.cls
    // A session not known yet (no cookie): the balancer picks, and the response may start one.
    if (this.key === '') return pool.choose(tried)
    const table = cls.table()
    const nowMs = this.#nowMs()
    const pinned = cls.type.transparent === true ? cls.nodeForCode(this.key, pool) : table === null ? this.key : table.get(this.key, nowMs)
    if (pinned === undefined) return pool.choose(tried)
    const node = findNode(pool, pinned, table === null && cls.type.transparent !== true)
    if (node !== undefined && (tried === null || !tried.includes(node)) && pool.canTakeSession(node, nowMs)) {
      return pool.isAtLimit(node) ? POOL_BUSY : node
    }
    const mode = cls.settings.failureMode
    if (table !== null && (mode === 'new_node' || cls.settings.deleteOnFailure)) table.delete(this.key)
    if (mode === 'close') return { failure: 'close', url: '' }
    if (mode === 'url') return { failure: 'url', url: cls.settings.url }
    return pool.choose(tried)
  }

  /**
   * The session turned out to be known by `key` too (the session ID of a node's ServerHello, for
   * `ssl` on pass-through): a client that resumes it with that ID comes back to the same node.
   */
  learnKey(key: string): void {
    const node = this.node
    if (node !== null && key !== '') this.cls.table()?.set(key, node.id, this.#nowMs())
  }

  /** `node` accepted the transaction: it is the session's node from now on. */
  record(node: PoolNode): void {
    this.node = node
    if (this.key !== '') this.cls.table()?.set(this.key, node.id, this.#nowMs())
  }

  /**
   * The node answered: sessions its Set-Cookie fields start are remembered (types that learn
   * from the application's cookie); returns the Set-Cookie value Sluice adds to the response
   * (the transparent cookie for a new session, or always when configured), or null.
   */
  onResponse(setCookies: readonly string[]): string | null {
    const node = this.node
    if (node === null) return null
    const cls = this.cls
    const learn = cls.type.keyFromSetCookie
    if (learn !== undefined) {
      const table = cls.table()
      for (const value of setCookies) {
        const key = learn(value, cls.settings)
        if (key !== null) table?.set(key, node.id, this.#nowMs())
      }
      return null
    }
    const plainCookie = cls.type.namesNodeInCookie
    if (plainCookie !== undefined) return this.key === node.id ? null : `${plainCookie}=${node.id}; Path=/`
    if (cls.type.transparent !== true) return null
    const code = cls.codeFor(node.id)
    if (code === this.key && !cls.settings.transparentAlwaysSet) return null
    const directives = cls.settings.transparentDirectives.trim()
    return `${cls.settings.transparentCookie}=${code}; Path=/${directives === '' ? '' : `; ${directives}`}`
  }
}
