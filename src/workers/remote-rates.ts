/**
 * `rate.*` in a worker: the primary keeps every rate class for all workers (one queue and one
 * count per class, so a limit holds whichever worker a request reaches), and a worker's rule
 * asks it and waits for the answer. Whether a class exists is known locally, from the
 * configuration every worker has.
 * @module
 */
import type { RateShaper } from '../rules/index.ts'

/** One question for the primary's rate classes. */
export type RateOp = 'use' | 'try' | 'backlog'

export class RemoteRates implements RateShaper {
  readonly #has: (cls: string) => boolean
  readonly #ask: (op: RateOp, cls: string, key: string) => Promise<number>

  constructor(has: (cls: string) => boolean, ask: (op: RateOp, cls: string, key: string) => Promise<number>) {
    this.#has = has
    this.#ask = ask
  }

  has(cls: string): boolean {
    return this.#has(cls)
  }

  use(cls: string, key: string): Promise<number> {
    return this.#ask('use', cls, key)
  }

  tryUse(cls: string, key: string): Promise<number> {
    return this.#ask('try', cls, key)
  }

  backlog(cls: string, key: string): Promise<number> {
    return this.#ask('backlog', cls, key)
  }
}

/** Answers a worker's question with the primary's own classes. */
export async function answerRate(rates: RateShaper, op: RateOp, cls: string, key: string): Promise<number> {
  if (!rates.has(cls)) return op === 'try' ? -1 : 0
  if (op === 'use') return rates.use(cls, key)
  if (op === 'try') return rates.tryUse(cls, key)
  return rates.backlog(cls, key)
}
