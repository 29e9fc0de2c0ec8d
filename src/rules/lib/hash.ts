/**
 * hash.*: keys, values, counts; delete and empty change the hash in place.
 * @module
 */
import type { LibraryModule } from '../registry.ts'
import type { TsHash, Value } from '../value.ts'
import { copyValue, toStr } from '../value.ts'
import { arg, b } from './args.ts'

function asHash(v: Value): TsHash {
  return v instanceof Map ? v : new Map<string, Value>()
}

export const hashModule: LibraryModule = {
  functions: {
    'hash.keys': { min: 1, max: 1, fn: (_s, a) => [...asHash(arg(a, 0)).keys()] },
    'hash.values': { min: 1, max: 1, fn: (_s, a) => [...asHash(arg(a, 0)).values()].map(copyValue) },
    'hash.count': { min: 1, max: 1, fn: (_s, a) => asHash(arg(a, 0)).size },
    'hash.contains': { min: 2, max: 2, fn: (_s, a) => b(asHash(arg(a, 0)).has(toStr(arg(a, 1)))) },
    'hash.delete': {
      min: 2, max: 2, mutates: 'hash',
      fn: (_s, a) => {
        const h = asHash(arg(a, 0))
        h.delete(toStr(arg(a, 1)))
        return h
      },
    },
    'hash.empty': {
      min: 1, max: 1, mutates: 'hash',
      fn: (_s, a) => {
        const h = asHash(arg(a, 0))
        h.clear()
        return h
      },
    },
  },
}
