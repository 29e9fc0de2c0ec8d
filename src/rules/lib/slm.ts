/**
 * slm.*: service level monitoring classes (`service_level_monitors/<name>`). Without an
 * argument a function reads the transaction's class: the one a rule chose with
 * connection.setServiceLevelClass, else the virtual server's `basic.slm_class`. Without a class
 * they answer as vTM does when none is configured: conforming 100, OK, threshold 0.
 * @module
 */
import type { LibraryModule } from '../registry.ts'
import type { RunState } from '../run-state.ts'
import { str } from './args.ts'

/** The class asked about: the argument, else the transaction's; '' when none exists. */
function classFor(s: RunState, given: string | undefined): string {
  const slm = s.services.slm
  if (slm === undefined) return ''
  const name = given ?? s.decision.serviceLevelClass ?? slm.classOf(s.view.getVirtualServer())
  return slm.has(name) ? name : ''
}

export const slmModule: LibraryModule = {
  functions: {
    'slm.conforming': {
      min: 0, max: 1,
      fn: (s, a) => {
        const cls = classFor(s, a.length > 0 ? str(a, 0) : undefined)
        return cls === '' ? 100 : (s.services.slm?.conforming(cls) ?? 100)
      },
    },
    'slm.isOK': {
      min: 0, max: 1,
      fn: (s, a) => {
        const cls = classFor(s, a.length > 0 ? str(a, 0) : undefined)
        const slm = s.services.slm
        return cls === '' || slm === undefined ? 1 : slm.conforming(cls) > slm.threshold(cls) ? 1 : 0
      },
    },
    'slm.threshold': {
      min: 0, max: 1,
      fn: (s, a) => {
        const cls = classFor(s, a.length > 0 ? str(a, 0) : undefined)
        return cls === '' ? 0 : (s.services.slm?.threshold(cls) ?? 0)
      },
    },
  },
}
