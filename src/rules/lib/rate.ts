/**
 * rate.*: rate shaping classes (`rate/<name>`), queued or asked. The host keeps the classes
 * (RuleServices.rates); the optional second argument is a key that gives each value its own
 * queue and limit within the class (per user, per address).
 * @module
 */
import type { FunctionSpec, LibraryModule } from '../registry.ts'
import { str } from './args.ts'

const use: FunctionSpec = {
  min: 1, max: 2, suspends: true,
  fn: (s, a) => s.services.rates?.use(str(a, 0), str(a, 1)) ?? 0,
}

export const rateModule: LibraryModule = {
  functions: {
    'rate.use': use,
    'rate.use.noQueue': { min: 1, max: 2, fn: (s, a) => s.services.rates?.tryUse(str(a, 0), str(a, 1)) ?? -1 },
    'rate.getBacklog': { min: 1, max: 2, fn: (s, a) => s.services.rates?.backlog(str(a, 0), str(a, 1)) ?? 0 },
  },
}
