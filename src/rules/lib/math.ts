/**
 * math.*: random integers and floating-point functions (results are doubles).
 * @module
 */
import type { BuiltinFn, LibraryModule } from '../registry.ts'
import { TsDouble } from '../value.ts'
import { intArg, numArg } from './args.ts'

function unary(f: (x: number) => number): { min: number; max: number; fn: BuiltinFn } {
  return { min: 1, max: 1, fn: (_s, a) => new TsDouble(f(numArg(a, 0))) }
}

export const mathModule: LibraryModule = {
  functions: {
    'math.random': {
      min: 1, max: 1,
      fn: (s, a) => {
        const n = intArg(a, 0)
        return n <= 0 ? 0 : Math.floor(s.services.random.next() * n)
      },
    },
    'math.ceil': unary(Math.ceil),
    'math.floor': unary(Math.floor),
    // rint rounds half to even, as C's rint does in the default rounding mode.
    'math.rint': unary((x) => {
      const r = Math.round(x)
      return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r
    }),
    'math.fabs': unary(Math.abs),
    'math.sqrt': unary(Math.sqrt),
    'math.exp': unary(Math.exp),
    'math.ln': unary(Math.log),
    'math.log': unary(Math.log10),
    'math.sin': unary(Math.sin),
    'math.cos': unary(Math.cos),
    'math.tan': unary(Math.tan),
    'math.asin': unary(Math.asin),
    'math.acos': unary(Math.acos),
    'math.atan': unary(Math.atan),
    'math.pow': { min: 2, max: 2, fn: (_s, a) => new TsDouble(Math.pow(numArg(a, 0), numArg(a, 1))) },
  },
}
