/**
 * event.*: raise a custom event, which event types can match to trigger actions.
 * @module
 */
import type { LibraryModule } from '../registry.ts'
import { str } from './args.ts'

export const eventModule: LibraryModule = {
  functions: {
    'event.emit': {
      min: 2, max: 2,
      fn: (s, a) => {
        const name = str(a, 0)
        if (name === '' || /[/\x00-\x1f\x7f]/.test(name)) return s.fail(`event.emit: invalid event name ${JSON.stringify(name)}`)
        s.services.emitEvent(name, str(a, 1), s.ruleName)
        return ''
      },
    },
  },
}
