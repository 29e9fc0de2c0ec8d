/**
 * requestlog.*: whether this request is written to the request log (recorded in the Decision).
 * @module
 */
import type { LibraryModule } from '../registry.ts'
import { b } from './args.ts'

export const requestlogModule: LibraryModule = {
  functions: {
    'requestlog.include': { min: 0, max: 0, fn: (s) => { s.decision.requestLog = 'include'; return '' } },
    'requestlog.exclude': { min: 0, max: 0, fn: (s) => { s.decision.requestLog = 'exclude'; return '' } },
    'requestlog.markedForInclusion': { min: 0, max: 0, fn: (s) => b(s.decision.requestLog !== 'exclude') },
  },
}
