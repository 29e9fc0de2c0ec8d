/**
 * string.*: length, slicing, search, replace, case, split, sprintf and regular expressions.
 * Positions are 0-based; "not found" is -1. Strings are byte strings.
 * @module
 */
import { TIMED_OUT, compileRegex, execRegex, expandReplacement, replaceRegex, timeoutMessage, wildcardToRegex } from '../regex.ts'
import type { LibraryModule } from '../registry.ts'
import type { RunState } from '../run-state.ts'
import type { TsArray } from '../value.ts'
import { toStr } from '../value.ts'
import { asStr, b, fixed1, fixed2, intArg, str } from './args.ts'
import { sprintf } from './sprintf.ts'

function replaceFirst(s: string, find: string, repl: string, ci: boolean): string {
  if (find === '') return s
  const i = ci ? s.toLowerCase().indexOf(find.toLowerCase()) : s.indexOf(find)
  return i < 0 ? s : s.slice(0, i) + repl + s.slice(i + find.length)
}

function replaceEvery(s: string, find: string, repl: string, ci: boolean): string {
  if (find === '') return s
  if (!ci) return s.split(find).join(repl)
  const hay = s.toLowerCase()
  const needle = find.toLowerCase()
  let out = ''
  let from = 0
  for (;;) {
    const i = hay.indexOf(needle, from)
    if (i < 0) return out + s.slice(from)
    out += s.slice(from, i) + repl
    from = i + find.length
  }
}

function regexMatch(s: RunState, subject: string, pattern: string, flags: string): number {
  const r = compileRegex(pattern, flags.replace(/g/gi, ''))
  if (!r.ok) {
    s.fail(`string.regexmatch: ${r.error}`)
    return 0
  }
  const m = execRegex(r, subject)
  if (m === TIMED_OUT) {
    s.fail(timeoutMessage('string.regexmatch'), 'budget')
    return 0
  }
  if (m === null) return 0
  s.setCaptures(m)
  return 1
}

function regexSub(s: RunState, subject: string, pattern: string, repl: string, flags: string): string {
  const r = compileRegex(pattern, flags)
  if (!r.ok) {
    s.fail(`string.regexsub: ${r.error}`)
    return ''
  }
  const out = replaceRegex(r, subject, (...m: unknown[]) => {
    const groups: (string | undefined)[] = []
    for (const x of m) {
      if (typeof x !== 'string' && x !== undefined) break
      groups.push(x)
    }
    return expandReplacement(repl, groups)
  })
  if (out === TIMED_OUT) {
    s.fail(timeoutMessage('string.regexsub'), 'budget')
    return ''
  }
  return out
}

function split(s: string, sep: string): TsArray {
  if (s === '') return []
  if (sep === '') return s.split('')
  return s.split(sep)
}

/** Whitespace and control characters, which string.trim removes. */
const TRIM = /^[\x00-\x20\x7f]+|[\x00-\x20\x7f]+$/g

export const stringModule: LibraryModule = {
  functions: {
    'string.len': fixed1((_s, x) => asStr(x).length),
    'string.left': { min: 2, max: 2, fn: (_s, a) => str(a, 0).slice(0, Math.max(0, intArg(a, 1))) },
    'string.right': { min: 2, max: 2, fn: (_s, a) => { const t = str(a, 0); const n = intArg(a, 1); return n <= 0 ? '' : t.slice(Math.max(0, t.length - n)) } },
    'string.skip': { min: 2, max: 2, fn: (_s, a) => str(a, 0).slice(Math.max(0, intArg(a, 1))) },
    'string.drop': { min: 2, max: 2, fn: (_s, a) => { const t = str(a, 0); return t.slice(0, Math.max(0, t.length - Math.max(0, intArg(a, 1)))) } },
    'string.substring': {
      min: 3, max: 3,
      fn: (_s, a) => {
        const t = str(a, 0)
        let start = intArg(a, 1)
        let end = intArg(a, 2)
        if (start < 0) start = 0
        if (end >= t.length) end = t.length - 1
        return end < start ? '' : t.slice(start, end + 1)
      },
    },
    'string.trim': { min: 1, max: 1, fn: (_s, a) => str(a, 0).replace(TRIM, '') },
    'string.reverse': { min: 1, max: 1, fn: (_s, a) => str(a, 0).split('').reverse().join('') },
    'string.append': { min: 0, max: Infinity, fn: (_s, a) => a.map(toStr).join('') },
    'string.lowercase': fixed1((_s, x) => asStr(x).replace(/[A-Z]+/g, (m) => m.toLowerCase())),
    'string.uppercase': fixed1((_s, x) => asStr(x).replace(/[a-z]+/g, (m) => m.toUpperCase())),
    'string.find': { min: 2, max: 3, fn: (_s, a) => str(a, 0).indexOf(str(a, 1), Math.max(0, intArg(a, 2))) },
    'string.findI': { min: 2, max: 3, fn: (_s, a) => str(a, 0).toLowerCase().indexOf(str(a, 1).toLowerCase(), Math.max(0, intArg(a, 2))) },
    'string.findr': {
      min: 2, max: 3,
      fn: (_s, a) => {
        const t = str(a, 0)
        const fromEnd = Math.max(0, intArg(a, 2))
        return t.lastIndexOf(str(a, 1), t.length - fromEnd)
      },
    },
    'string.contains': fixed2((_s, x, y) => b(asStr(x).includes(asStr(y)))),
    'string.containsI': fixed2((_s, x, y) => b(asStr(x).toLowerCase().includes(asStr(y).toLowerCase()))),
    'string.count': {
      min: 2, max: 3,
      fn: (_s, a) => {
        const t = str(a, 0)
        const n = str(a, 1)
        if (n === '') return 0
        let count = 0
        for (let i = t.indexOf(n, Math.max(0, intArg(a, 2))); i >= 0; i = t.indexOf(n, i + n.length)) count++
        return count
      },
    },
    'string.startsWith': fixed2((_s, x, y) => b(asStr(x).startsWith(asStr(y)))),
    'string.startsWithI': fixed2((_s, x, y) => b(asStr(x).toLowerCase().startsWith(asStr(y).toLowerCase()))),
    'string.endsWith': fixed2((_s, x, y) => b(asStr(x).endsWith(asStr(y)))),
    'string.endsWithI': fixed2((_s, x, y) => b(asStr(x).toLowerCase().endsWith(asStr(y).toLowerCase()))),
    'string.cmp': { min: 2, max: 2, fn: (_s, a) => { const x = str(a, 0); const y = str(a, 1); return x === y ? 0 : x < y ? -1 : 1 } },
    'string.icmp': { min: 2, max: 2, fn: (_s, a) => { const x = str(a, 0).toLowerCase(); const y = str(a, 1).toLowerCase(); return x === y ? 0 : x < y ? -1 : 1 } },
    'string.replace': { min: 3, max: 3, fn: (_s, a) => replaceFirst(str(a, 0), str(a, 1), str(a, 2), false) },
    'string.replaceAll': { min: 3, max: 3, fn: (_s, a) => replaceEvery(str(a, 0), str(a, 1), str(a, 2), false) },
    'string.replaceI': { min: 3, max: 3, fn: (_s, a) => replaceFirst(str(a, 0), str(a, 1), str(a, 2), true) },
    'string.replaceAllI': { min: 3, max: 3, fn: (_s, a) => replaceEvery(str(a, 0), str(a, 1), str(a, 2), true) },
    'string.replaceBytes': {
      min: 3, max: 3,
      fn: (_s, a) => {
        const t = str(a, 0)
        const r = str(a, 1)
        const off = Math.max(0, intArg(a, 2))
        if (off >= t.length) return t
        return t.slice(0, off) + r.slice(0, t.length - off) + t.slice(off + r.length)
      },
    },
    'string.insertBytes': {
      min: 3, max: 3,
      fn: (_s, a) => { const t = str(a, 0); const off = Math.min(t.length, Math.max(0, intArg(a, 2))); return t.slice(0, off) + str(a, 1) + t.slice(off) },
    },
    'string.regexmatch': { min: 2, max: 3, regexArg: 1, fn: (s, a) => regexMatch(s, str(a, 0), str(a, 1), str(a, 2)) },
    'string.regexsub': { min: 3, max: 4, regexArg: 1, fn: (s, a) => regexSub(s, str(a, 0), str(a, 1), str(a, 2), str(a, 3)) },
    'string.regexescape': { min: 1, max: 1, fn: (_s, a) => str(a, 0).replace(/[^A-Za-z0-9_]/g, '\\$&') },
    'string.wildmatch': {
      min: 2, max: 2,
      fn: (s, a) => {
        const w = wildcardToRegex(str(a, 1))
        if (!w.ok) return s.fail(`string.wildmatch: ${w.error}`)
        const m = execRegex(w, str(a, 0))
        return m === TIMED_OUT ? s.fail(timeoutMessage('string.wildmatch'), 'budget') : b(m !== null)
      },
    },
    'string.split': { min: 1, max: 2, fn: (_s, a) => split(str(a, 0), a.length > 1 ? str(a, 1) : ' ') },
    'string.sprintf': { min: 1, max: Infinity, fn: (_s, a) => sprintf(str(a, 0), a.slice(1)) },
    'string.intToHex': {
      min: 1, max: 1,
      fn: (_s, a) => {
        const n = intArg(a, 0)
        if (n >= -0x80000000 && n <= 0xffffffff) return (n >>> 0).toString(16).padStart(8, '0')
        return BigInt.asUintN(64, BigInt(n)).toString(16).padStart(16, '0')
      },
    },
    'string.hexToInt': {
      min: 1, max: 1,
      fn: (_s, a) => {
        const m = /^\s*(-?)(?:0[xX])?([0-9a-fA-F]+)/.exec(str(a, 0))
        if (m === null) return 0
        const v = Number.parseInt((m[2] ?? '0').slice(-16), 16)
        return m[1] === '-' ? -v : v
      },
    },
    'string.gmtime.parse': {
      min: 1, max: 1,
      fn: (_s, a) => {
        const t = Date.parse(str(a, 0).replace(/\s+[A-Z]{3,4}$|\s+[+-]\d{4}$/, '') + ' GMT')
        return Number.isNaN(t) ? 0 : Math.floor(t / 1000)
      },
    },
  },
  aliases: {
    'string.length': { target: 'string.len', deprecated: false },
    'string.Ireplace': { target: 'string.replaceI', deprecated: true },
    'string.IreplaceAll': { target: 'string.replaceAllI', deprecated: true },
  },
}
