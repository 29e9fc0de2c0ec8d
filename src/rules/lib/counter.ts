/**
 * counter.* and counter64.*: user counters, kept by the host.
 * @module
 */
import type { FunctionSpec, LibraryModule } from '../registry.ts'
import { intArg } from './args.ts'

const increment: FunctionSpec = {
  min: 1, max: 2,
  fn: (s, a) => {
    s.services.incrementCounter(intArg(a, 0), a.length > 1 ? intArg(a, 1) : 1)
    return ''
  },
}

export const counterModule: LibraryModule = {
  functions: {
    'counter.increment': increment,
    'counter64.increment': increment,
  },
}
