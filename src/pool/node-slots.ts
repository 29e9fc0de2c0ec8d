/**
 * Per-node transaction counts shared by the workers of one Sluice (issue #15): one Int32 per
 * (pool, node) in a SharedArrayBuffer, so least-connections, per-node limits and the too-busy
 * queue see every worker's transactions, not only their own. The primary places each node;
 * workers learn the places with each configuration, before they build their snapshot.
 * @module
 */

/** How many (pool, node) pairs a run can count; later ones count per worker (logged once). */
export const NODE_SLOT_CAPACITY = 65_536

/**
 * The "pool" under which bandwidth classes take slots of their own (for their shared allowance),
 * a name no pool can have.
 */
export const BANDWIDTH_SLOTS = '\u0002bandwidth'

/** One shared count per (pool, node), and what passive monitoring tells the other workers. */
export class NodeSlots {
  readonly counts: Int32Array
  /**
   * This worker's own part of each count, written by this worker only, so that when a worker
   * dies the primary can take its transactions (lost with it) out of the shared counts.
   */
  readonly own: Int32Array
  readonly #byKey = new Map<string, number>()
  readonly #isPrimary: boolean
  /** Set by the owner: passive monitoring failed or restored a node in this worker. */
  onPassiveChange: ((pool: string, node: string, isFailed: boolean, forMs: number) => void) | null = null

  /**
   * `buffer` is made by the primary (`NodeSlots.allocate`) and handed to every worker; `own`
   * (the same size) is this worker's part, one per worker.
   */
  constructor(buffer: SharedArrayBuffer, own: SharedArrayBuffer, isPrimary: boolean) {
    this.counts = new Int32Array(buffer)
    this.own = new Int32Array(own)
    this.#isPrimary = isPrimary
  }

  static allocate(): SharedArrayBuffer {
    return new SharedArrayBuffer(NODE_SLOT_CAPACITY * Int32Array.BYTES_PER_ELEMENT)
  }

  /**
   * The slot of (pool, node). The primary places new pairs (a slot is never reused, so a late
   * release from a transaction on a removed node cannot corrupt another node's count); a worker
   * only looks up what the primary sent. Undefined: count in this worker alone.
   */
  slotFor(pool: string, node: string): number | undefined {
    const key = pool + '\u0000' + node
    const found = this.#byKey.get(key)
    if (found !== undefined || !this.#isPrimary || this.#byKey.size >= this.counts.length) return found
    const slot = this.#byKey.size
    this.#byKey.set(key, slot)
    return slot
  }

  /** The places, for the workers. */
  placements(): [string, number][] {
    return [...this.#byKey]
  }

  /** A worker takes the primary's places. */
  adopt(placements: readonly (readonly [string, number])[]): void {
    for (const [key, slot] of placements) this.#byKey.set(key, slot)
  }
}

/**
 * Takes a dead worker's part out of the shared counts and clears it (its transactions died with
 * it), so its replacement starts from zero. Only while no thread writes `own`.
 */
export function reclaimCounts(counts: Int32Array, own: Int32Array): void {
  for (let slot = 0; slot < own.length; slot++) {
    const n = own[slot] ?? 0
    if (n === 0) continue
    Atomics.sub(counts, slot, n)
    own[slot] = 0
  }
}

/**
 * The place of service level monitor `name` in the shared SLM counts (NODE_SLOT_CAPACITY places
 * of SLM_INTS each; memory never touched costs nothing): the primary hands it out under a name no
 * pool can have, workers look it up.
 */
export function slmSlot(slots: NodeSlots, name: string): number | undefined {
  return slots.slotFor('\u0003slm', name)
}
