/**
 * log.*: write to the event log through the host.
 * @module
 */
import type { FunctionSpec, LibraryModule } from '../registry.ts'
import { str } from './args.ts'

function logAt(level: 'info' | 'warn' | 'error'): FunctionSpec {
  return {
    min: 1, max: 1,
    fn: (s, a) => {
      s.services.log(level, s.ruleName, str(a, 0))
      return ''
    },
  }
}

export const logModule: LibraryModule = {
  functions: {
    'log.info': logAt('info'),
    'log.warn': logAt('warn'),
    'log.error': logAt('error'),
  },
}
