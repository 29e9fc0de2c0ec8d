/**
 * The generations' state that outlives snapshots: the key Sluice's session cookies are signed
 * with (kept on disk by the server, so cookies stay valid over restarts, and the same in every
 * worker), and what each generation has served.
 * @module
 */
import { randomBytes } from 'node:crypto'
import { GenerationCounters, type GenerationNumbers } from './generation-counters.ts'

export class GenerationStore {
  readonly secret: Buffer
  readonly #counters = new Map<string, GenerationCounters>()

  /** `secret`: 32 bytes or more; a random one (valid for this process only) when absent. */
  constructor(secret: Buffer | null = null) {
    this.secret = secret ?? randomBytes(32)
  }

  /** The counters of generation `generation` of `virtualServer`, made on first use. */
  counters(virtualServer: string, generation: string): GenerationCounters {
    const key = `${virtualServer}/${generation}`
    let c = this.#counters.get(key)
    if (c === undefined) {
      c = new GenerationCounters()
      this.#counters.set(key, c)
    }
    return c
  }

  /** Every generation's numbers, keyed `<virtual server>/<generation>`. */
  numbers(nowMs: number): Map<string, GenerationNumbers> {
    const out = new Map<string, GenerationNumbers>()
    for (const [key, c] of this.#counters) out.set(key, c.numbers(nowMs))
    return out
  }

  /** Forgets the counters of generations no longer configured (keys `<vs>/<generation>`). */
  retain(keys: ReadonlySet<string>): void {
    for (const key of [...this.#counters.keys()]) if (!keys.has(key)) this.#counters.delete(key)
  }
}
