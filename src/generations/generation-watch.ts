/**
 * The primary's watch over generations: live sessions per generation (from the session tables
 * every worker tells), and the `drained` event once a draining generation has none left.
 * @module
 */
import type { EventInput } from '../core/index.ts'
import type { GenerationPlan } from './generation-plan.ts'

/** Live sessions of each generation of `plan`, by name (0 for those with none). */
export function sessionCounts(plan: GenerationPlan, nowMs: number): Map<string, number> {
  const counted = plan.sessions.countByNode(nowMs)
  const out = new Map<string, number>()
  for (const g of plan.generations) out.set(g.name, counted.get(g.name) ?? 0)
  return out
}

/** A virtual server's generations as the status view shows them (plain data, for the API). */
export interface GenerationsView {
  readonly virtualServer: string
  readonly current: string
  readonly previous: string
  readonly canaryPercent: number
  readonly generations: readonly { name: string; pool: string; state: string; sessions: number; numbers: Record<string, number> }[]
}

/** Each plan's generations with their live sessions and this process's counts. */
export function generationsView(plans: readonly GenerationPlan[], nowMs: number): GenerationsView[] {
  return plans.map((plan) => {
    const counts = sessionCounts(plan, nowMs)
    return {
      virtualServer: plan.virtualServer,
      current: plan.current.name,
      previous: plan.previous?.name ?? '',
      canaryPercent: plan.canaryPercent,
      generations: plan.generations.map((g) => ({
        name: g.name,
        pool: g.pool.name,
        state: g.state,
        // A reaped generation's sessions start again elsewhere on their next request.
        sessions: g.state === 'reaped' ? 0 : (counts.get(g.name) ?? 0),
        numbers: { ...g.counters.numbers(nowMs) },
      })),
    }
  })
}

export class GenerationWatch {
  /** `<vs>/<generation>` of the draining generations already announced as drained. */
  readonly #drained = new Set<string>()
  readonly #emit: (input: EventInput) => void

  constructor(emit: (input: EventInput) => void) {
    this.#emit = emit
  }

  /** Looks at every plan once; call it about once a second. */
  check(plans: Iterable<GenerationPlan>, nowMs: number): void {
    const draining = new Set<string>()
    for (const plan of plans) {
      const counts = sessionCounts(plan, nowMs)
      for (const g of plan.generations) {
        if (g.state !== 'draining') continue
        const key = `${plan.virtualServer}/${g.name}`
        draining.add(key)
        if ((counts.get(g.name) ?? 0) > 0 || this.#drained.has(key)) continue
        this.#drained.add(key)
        this.#emit({
          severity: 'info',
          category: 'generations',
          name: 'drained',
          objects: { virtual_server: plan.virtualServer, generation: g.name },
          message: `virtual server ${plan.virtualServer}: generation ${g.name} has no sessions left and may be reaped`,
        })
      }
    }
    // A generation that stops draining (rolled back to, or reaped) may drain again later.
    for (const key of [...this.#drained]) if (!draining.has(key)) this.#drained.delete(key)
  }
}
