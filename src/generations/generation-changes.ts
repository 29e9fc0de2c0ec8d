/**
 * The events a new configuration's generations raise against the old one's: `deployed` (a
 * generation became current; also `rolledback` when it was draining, i.e. it served before),
 * `draining` and `reaped`. Computed from the states, so a change through the verbs, a PUT or an
 * edited file raises the same events.
 * @module
 */
import type { EventInput } from '../core/index.ts'
import type { GenerationPlan, GenerationState } from './generation-plan.ts'

function states(plans: Iterable<GenerationPlan>): Map<string, Map<string, GenerationState>> {
  const out = new Map<string, Map<string, GenerationState>>()
  for (const p of plans) out.set(p.virtualServer, new Map(p.generations.map((g) => [g.name, g.state])))
  return out
}

export function generationChanges(before: Iterable<GenerationPlan>, after: Iterable<GenerationPlan>): EventInput[] {
  const was = states(before)
  const events: EventInput[] = []
  for (const [vs, now] of states(after)) {
    const old = was.get(vs)
    // A virtual server that just got generations starts from them: nothing has changed yet.
    if (old === undefined) continue
    const raise = (name: string, generation: string, message: string) => {
      events.push({ severity: 'info', category: 'generations', name, objects: { virtual_server: vs, generation }, message: `virtual server ${vs}: generation ${generation} ${message}` })
    }
    for (const [g, state] of now) {
      const prior = old.get(g)
      if (prior === state || state !== 'current') continue
      raise('deployed', g, 'is current: new sessions go to it')
      if (prior === 'draining') raise('rolledback', g, 'is current again (rolled back to)')
    }
    for (const [g, state] of now) {
      const prior = old.get(g)
      if (prior === state) continue
      if (state === 'draining') raise('draining', g, 'is draining: it serves only the sessions that began on it')
      if (state === 'reaped') raise('reaped', g, 'is reaped: it takes no traffic and may be deleted')
    }
  }
  return events
}
