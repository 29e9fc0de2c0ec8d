/**
 * array.*: push/pop/shift/unshift/splice/sort/reverse change the array in place and return it.
 * @module
 */
import { TIMED_OUT, compileRegex, execRegex, timeoutMessage } from '../regex.ts'
import type { LibraryModule } from '../registry.ts'
import type { TsArray, Value } from '../value.ts'
import { MAX_ARRAY_INDEX, compare, copyValue, equals, isCompound, toJsNumber, toStr } from '../value.ts'
import { arg, b, boolArg, intArg, str } from './args.ts'

function asArray(v: Value): TsArray {
  return Array.isArray(v) ? v : []
}

function own(v: Value): Value {
  return isCompound(v) ? copyValue(v) : v
}

function clampSize(s: { fail(m: string): Value }, n: number): number | null {
  if (n < 0 || n > MAX_ARRAY_INDEX) {
    s.fail(`array size ${n} is out of range`)
    return null
  }
  return n
}

export const arrayModule: LibraryModule = {
  functions: {
    'array.length': { min: 1, max: 1, fn: (_s, a) => asArray(arg(a, 0)).length },
    'array.push': {
      min: 2, max: Infinity, mutates: 'array',
      fn: (_s, a) => {
        const arr = asArray(arg(a, 0))
        for (let i = 1; i < a.length; i++) arr.push(own(arg(a, i)))
        return arr
      },
    },
    'array.pop': { min: 1, max: 1, mutates: 'array', fn: (_s, a) => asArray(arg(a, 0)).pop() ?? '' },
    'array.shift': { min: 1, max: 1, mutates: 'array', fn: (_s, a) => asArray(arg(a, 0)).shift() ?? '' },
    'array.unshift': {
      min: 2, max: Infinity, mutates: 'array',
      fn: (_s, a) => {
        const arr = asArray(arg(a, 0))
        arr.unshift(...a.slice(1).map(own))
        return arr
      },
    },
    'array.append': {
      min: 2, max: 2, mutates: 'array',
      fn: (_s, a) => {
        const arr = asArray(arg(a, 0))
        const more = arg(a, 1)
        if (Array.isArray(more)) for (const v of more) arr.push(own(v))
        else arr.push(own(more))
        return arr
      },
    },
    'array.create': {
      min: 1, max: 2,
      fn: (s, a) => {
        const n = clampSize(s, intArg(a, 0))
        if (n === null) return ''
        const d = arg(a, 1)
        return Array.from({ length: n }, () => own(d))
      },
    },
    'array.resize': {
      min: 2, max: 3, mutates: 'array',
      fn: (s, a) => {
        const arr = asArray(arg(a, 0))
        const n = clampSize(s, intArg(a, 1))
        if (n === null) return ''
        const d = arg(a, 2)
        if (arr.length > n) arr.length = n
        while (arr.length < n) arr.push(own(d))
        return arr
      },
    },
    'array.copy': { min: 1, max: 1, fn: (_s, a) => copyValue(arg(a, 0)) },
    'array.contains': { min: 2, max: 2, fn: (_s, a) => b(asArray(arg(a, 0)).some((v) => !isCompound(v) && equals(v, arg(a, 1)))) },
    'array.join': { min: 1, max: 2, fn: (_s, a) => asArray(arg(a, 0)).map(toStr).join(a.length > 1 ? str(a, 1) : ' ') },
    'array.reverse': { min: 1, max: 1, mutates: 'array', fn: (_s, a) => asArray(arg(a, 0)).reverse() },
    'array.sort': {
      min: 1, max: 2, mutates: 'array',
      fn: (_s, a) => {
        const arr = asArray(arg(a, 0))
        const rev = boolArg(a, 1)
        arr.sort((x, y) => compare(toStr(x), toStr(y)) * (rev ? -1 : 1))
        return arr
      },
    },
    'array.sortNumerical': {
      min: 1, max: 2, mutates: 'array',
      fn: (_s, a) => {
        const arr = asArray(arg(a, 0))
        const rev = boolArg(a, 1)
        arr.sort((x, y) => (toJsNumber(x) - toJsNumber(y)) * (rev ? -1 : 1))
        return arr
      },
    },
    'array.splice': {
      min: 3, max: Infinity, mutates: 'array',
      fn: (_s, a) => {
        const arr = asArray(arg(a, 0))
        let off = intArg(a, 1)
        if (off < 0) off = Math.max(0, arr.length + off)
        arr.splice(off, Math.max(0, intArg(a, 2)), ...a.slice(3).map(own))
        return arr
      },
    },
    'array.filter': {
      min: 2, max: 3,
      fn: (s, a) => {
        const re = compileRegex(str(a, 1), str(a, 2).replace(/g/g, ''))
        if (!re.ok) return s.fail(re.error)
        const out: TsArray = []
        for (const v of asArray(arg(a, 0))) {
          const m = execRegex(re, toStr(v))
          if (m === TIMED_OUT) return s.fail(timeoutMessage('array.filter'), 'budget')
          if (m !== null) out.push(own(v))
        }
        return out
      },
    },
  },
}
