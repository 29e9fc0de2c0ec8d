/**
 * rate.*: rate shaping classes (`rate/<name>`), queued or asked. The host keeps the classes
 * (RuleServices.rates); the optional second argument is a key that gives each value its own
 * queue and limit within the class (per user, per address).
 * @module
 */
import type { RateShaper } from '../host.ts'
import type { FunctionSpec, LibraryModule } from '../registry.ts'
import type { RunState } from '../run-state.ts'
import type { Value } from '../value.ts'
import { str } from './args.ts'

/**
 * Calls `f` when the class exists; otherwise raises `rules/norate` (as vTM does) and answers
 * `missing`.
 */
function withClass<T>(s: RunState, fn: string, cls: string, missing: T, f: (rates: RateShaper) => T): T {
  const rates = s.services.rates
  if (rates?.has(cls) === true) return f(rates)
  s.services.emitEvent('rules_norate', `rule ${s.ruleName}: ${fn} names rate class "${cls}", which does not exist`, s.ruleName)
  return missing
}

const use: FunctionSpec = {
  min: 1, max: 2, suspends: true,
  fn: (s, a) => withClass<Value | Promise<Value>>(s, 'rate.use', str(a, 0), 0, (r) => r.use(str(a, 0), str(a, 1))),
}

export const rateModule: LibraryModule = {
  functions: {
    'rate.use': use,
    // Both answer at once with one worker; with several, the primary keeps the classes and a
    // worker's rule waits for its answer (docs/workers.md).
    'rate.use.noQueue': { min: 1, max: 2, suspends: true, fn: (s, a) => withClass<Value | Promise<Value>>(s, 'rate.use.noQueue', str(a, 0), -1, (r) => r.tryUse(str(a, 0), str(a, 1))) },
    'rate.getBacklog': { min: 1, max: 2, suspends: true, fn: (s, a) => withClass<Value | Promise<Value>>(s, 'rate.getBacklog', str(a, 0), 0, (r) => r.backlog(str(a, 0), str(a, 1))) },
  },
}
