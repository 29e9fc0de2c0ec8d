/**
 * Keeps NodeStatus objects across snapshots: a reload reuses the status of every (pool, node)
 * that remains and forgets the rest.
 * @module
 */
import { NodeStatus, splitNodeAddress } from './node-status.ts'
import { PoolRuntime } from './pool-runtime.ts'
import type { NodeSlots } from './node-slots.ts'

export class StatusRegistry {
  readonly #byKey = new Map<string, NodeStatus>()
  readonly #pools = new Map<string, PoolRuntime>()
  /** With several workers: the shared per-node counts. */
  readonly #slots: NodeSlots | null

  constructor(slots: NodeSlots | null = null) {
    this.#slots = slots
  }

  /** The runtime state of pool `name`, created on first use. */
  pool(name: string): PoolRuntime {
    let runtime = this.#pools.get(name)
    if (runtime === undefined) {
      runtime = new PoolRuntime(name)
      this.#pools.set(name, runtime)
      const slots = this.#slots
      const slot = slots?.slotFor(name, '')
      if (slots !== null && slot !== undefined) runtime.turn = () => Atomics.add(slots.counts, slot, 1) >>> 0
    }
    return runtime
  }

  /** The status for `node` in `pool`, created on first use. */
  get(pool: string, node: string, nowMs: number): NodeStatus {
    const key = pool + '\u0000' + node
    let status = this.#byKey.get(key)
    if (status === undefined) {
      const { host, port } = splitNodeAddress(node)
      status = new NodeStatus(node, host, port, nowMs)
      this.#byKey.set(key, status)
      if (this.#slots !== null) this.#share(status, pool, node, this.#slots)
    }
    return status
  }

  #share(status: NodeStatus, pool: string, node: string, slots: NodeSlots): void {
    const slot = slots.slotFor(pool, node)
    if (slot !== undefined) status.shareCount(slots.counts, slots.own, slot)
    status.onPassiveChange = (isFailed, forMs) => {
      slots.onPassiveChange?.(pool, node, isFailed, forMs)
    }
  }

  /** Look up without creating. */
  find(pool: string, node: string): NodeStatus | undefined {
    return this.#byKey.get(pool + '\u0000' + node)
  }

  /** Drops statuses not in `keep` (pool -> node ids), closing their idle connections. */
  retain(keep: ReadonlyMap<string, ReadonlySet<string>>): void {
    for (const name of this.#pools.keys()) if (!keep.has(name)) this.#pools.delete(name)
    for (const [key, status] of this.#byKey) {
      const sep = key.indexOf('\u0000')
      const nodes = keep.get(key.slice(0, sep))
      if (nodes === undefined || !nodes.has(key.slice(sep + 1))) {
        status.isRetired = true
        for (const conn of status.idle.splice(0)) conn.close()
        this.#byKey.delete(key)
      }
    }
  }

  *entries(): IterableIterator<[string, string, NodeStatus]> {
    for (const [key, status] of this.#byKey) {
      const sep = key.indexOf('\u0000')
      yield [key.slice(0, sep), key.slice(sep + 1), status]
    }
  }

  /** Closes every idle connection (shutdown). */
  closeIdle(): void {
    for (const status of this.#byKey.values()) for (const conn of status.idle.splice(0)) conn.close()
  }
}
