/**
 * PCRE-flavoured regular expressions on the JavaScript engine. Patterns are translated where the
 * two differ, and patterns that could backtrack catastrophically (nested unbounded repetition,
 * backreferences, possessive/atomic constructs) are refused instead of run.
 * @module
 */
import { Script, createContext } from 'node:vm'

/** What the safety check tracks about one open group. */
interface GroupScan {
  /** Contains an unbounded quantifier. */
  unbounded: boolean
  /** Mandatory literal characters in the current alternative (not made optional by `*`, `?`). */
  literals: number
  /** Whether every finished alternative had a mandatory literal. */
  allAltsAnchored: boolean
  /** First literal character of each alternative seen so far (unknown starts are left out). */
  readonly firsts: string[]
  atStart: boolean
  hasAlternatives: boolean
}

/** A compiled pattern, or why it cannot be used. */
export type RegexResult = { readonly ok: true } & CompiledRegex | { readonly ok: false; readonly error: string }

/** A usable pattern; `repeats` when it has an unbounded quantifier (so a long subject may be slow). */
export interface CompiledRegex {
  readonly re: RegExp
  readonly repeats: boolean
}

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alpha: 'a-zA-Z', digit: '0-9', alnum: 'a-zA-Z0-9', upper: 'A-Z', lower: 'a-z', space: ' \\t\\n\\r\\f\\v',
  xdigit: '0-9A-Fa-f', punct: '!-\\/:-@\\[-`{-~', word: '\\w', blank: ' \\t', cntrl: '\\x00-\\x1f\\x7f',
  print: '\\x20-\\x7e', graph: '\\x21-\\x7e',
}

/** Most cached compiled patterns (`trafficscript!regex_cache_size` is 57 in the original). */
const CACHE_MAX = 256
const cache = new Map<string, RegexResult>()

/** Largest pattern accepted, in characters. */
export const MAX_PATTERN_CHARS = 10_000

/** Translates and checks a PCRE pattern. `flags` is TrafficScript's: `i`, `g`, `m`, `s`. */
export function compileRegex(pattern: string, flags: string): RegexResult {
  const key = flags + '\0' + pattern
  const hit = cache.get(key)
  if (hit !== undefined) return hit
  const r = translate(pattern, flags)
  if (cache.size >= CACHE_MAX) {
    const first = cache.keys().next()
    if (first.done !== true) cache.delete(first.value)
  }
  cache.set(key, r)
  return r
}

function translate(pattern: string, tsFlags: string): RegexResult {
  if (pattern.length > MAX_PATTERN_CHARS) return { ok: false, error: `regular expression longer than ${MAX_PATTERN_CHARS} characters` }
  let flags = ''
  for (const f of tsFlags.toLowerCase()) {
    if ((f === 'i' || f === 'm' || f === 's' || f === 'g') && !flags.includes(f)) flags += f
  }
  let src = pattern
  // Leading inline options such as (?i) become flags; JavaScript only has the scoped (?i:...) form.
  const lead = /^\(\?([imsx]+)\)/.exec(src)
  if (lead !== null) {
    for (const f of lead[1] ?? '') if (f !== 'x' && !flags.includes(f)) flags += f
    src = src.slice(lead[0].length)
  }
  let out = ''
  const groups: GroupScan[] = []
  const caseless = flags.includes('i')
  // A group just closed that repeats inside, or whose alternatives can start alike: repeating it
  // again makes the number of ways to match grow exponentially.
  let lastAtomUnbounded = false
  let lastAtomOverlaps = false
  let repeats = false
  // The last atom was a mandatory literal (or a group that has one), so `*` or `?` would undo it.
  const scan = { lastAtomLiteral: false }
  const literal = (): void => {
    const g = groups[groups.length - 1]
    if (g !== undefined) g.literals++
    scan.lastAtomLiteral = true
  }
  const firstChar = (c: string | null): void => {
    const g = groups[groups.length - 1]
    if (g === undefined || !g.atStart) return
    g.atStart = false
    if (c !== null) g.firsts.push(caseless ? c.toLowerCase() : c)
  }
  let inClass = false
  for (let i = 0; i < src.length; i++) {
    const ch = src.charAt(i)
    if (ch === '\\') {
      const nx = src.charAt(i + 1)
      i++
      if (nx === '') return { ok: false, error: 'regular expression ends with a backslash' }
      if (!inClass && nx >= '1' && nx <= '9') return { ok: false, error: 'backreferences are not supported (they can make matching very slow)' }
      if (!inClass && nx === 'A') out += '^'
      else if (!inClass && (nx === 'Z' || nx === 'z')) out += '$'
      else if (nx === 'h') out += inClass ? ' \\t' : '[ \\t]'
      else if (nx === 'Q') {
        const end = src.indexOf('\\E', i + 1)
        const lit = src.slice(i + 1, end < 0 ? src.length : end)
        out += lit.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
        i = end < 0 ? src.length : end + 1
      } else out += '\\' + nx
      scan.lastAtomLiteral = false
      if (!inClass) {
        const isLiteral = !/[A-Za-z0-9]/.test(nx) || nx === 'Q'
        firstChar(isLiteral ? nx : null)
        if (isLiteral) literal()
      }
      lastAtomUnbounded = false
      lastAtomOverlaps = false
      continue
    }
    if (inClass) {
      if (ch === '[' && src.charAt(i + 1) === ':') {
        const end = src.indexOf(':]', i + 2)
        const name = end < 0 ? '' : src.slice(i + 2, end)
        const cls = Object.hasOwn(POSIX_CLASSES, name) ? POSIX_CLASSES[name] : undefined
        if (cls === undefined) return { ok: false, error: `unknown character class [:${name}:]` }
        out += cls
        i = end + 1
        continue
      }
      if (ch === ']') inClass = false
      out += ch
      continue
    }
    switch (ch) {
      case '[':
        inClass = true
        out += ch
        if (src.charAt(i + 1) === '^') {
          out += '^'
          i++
        }
        if (src.charAt(i + 1) === ']') {
          out += '\\]'
          i++
        }
        firstChar(null)
        lastAtomUnbounded = false
        lastAtomOverlaps = false
        scan.lastAtomLiteral = false
        continue
      case '(': {
        if (src.startsWith('(?>', i)) return { ok: false, error: 'atomic groups (?>...) are not supported' }
        if (src.startsWith('(?#', i)) {
          const end = src.indexOf(')', i)
          i = end < 0 ? src.length : end
          continue
        }
        // Copy a group prefix such as (?: (?= (?! (?<= (?<! (?<name> whole, so its characters are
        // not taken for quantifiers or literals; (?P<name> becomes (?<name>.
        const prefix = /^\(\?(?:P?<[A-Za-z_][A-Za-z0-9_]*>|<[=!]|[:=!]|[imsx-]+:)/.exec(src.slice(i))
        if (prefix !== null) {
          out += prefix[0].replace('(?P<', '(?<')
          i += prefix[0].length - 1
        } else out += ch
        firstChar(null)
        groups.push({ unbounded: false, literals: 0, allAltsAnchored: true, firsts: [], atStart: true, hasAlternatives: false })
        lastAtomUnbounded = false
        lastAtomOverlaps = false
        scan.lastAtomLiteral = false
        continue
      }
      case ')': {
        const g = groups.pop()
        out += ch
        const anchored = g !== undefined && g.allAltsAnchored && g.literals > 0
        // Repetition inside a group is only ambiguous when nothing mandatory separates the rounds:
        // `(a+)+` is, `([a-z]+\.)+` is not.
        lastAtomUnbounded = g !== undefined && g.unbounded && !anchored
        lastAtomOverlaps = g !== undefined && g.hasAlternatives && new Set(g.firsts).size !== g.firsts.length
        const parent = groups[groups.length - 1]
        if (parent !== undefined && g?.unbounded === true) parent.unbounded = true
        scan.lastAtomLiteral = false
        if (anchored) literal()
        continue
      }
      case '|': {
        out += ch
        const g = groups[groups.length - 1]
        if (g !== undefined) {
          g.hasAlternatives = true
          g.atStart = true
          if (g.literals === 0) g.allAltsAnchored = false
          g.literals = 0
        }
        lastAtomUnbounded = false
        lastAtomOverlaps = false
        scan.lastAtomLiteral = false
        continue
      }
      case '*':
      case '+':
      case '?':
      case '{': {
        let q: string = ch
        if (ch === '{') {
          const m = /^\{(\d*)(,?)(\d*)\}/.exec(src.slice(i))
          if (m === null) {
            out += '\\{'
            continue
          }
          q = m[0]
          i += q.length - 1
        }
        const unbounded = ch === '*' || ch === '+' || (ch === '{' && q.includes(',') && /,\}$/.test(q)) ||
          (ch === '{' && Number(/(\d+)\}$/.exec(q)?.[1] ?? '0') > 1000)
        const nx = src.charAt(i + 1)
        if (nx === '+') return { ok: false, error: 'possessive quantifiers are not supported' }
        if (unbounded && lastAtomUnbounded) {
          return { ok: false, error: 'nested repetition such as (a+)+ can backtrack catastrophically and is not allowed' }
        }
        if (unbounded && lastAtomOverlaps) {
          return { ok: false, error: 'repeating alternatives that can start alike, such as (a|ab)*, can backtrack catastrophically and is not allowed' }
        }
        const top = groups[groups.length - 1]
        if (unbounded) repeats = true
        if (unbounded && top !== undefined) top.unbounded = true
        const allowsZero = ch === '*' || ch === '?' || /^\{0*(,|\})|^\{0+,/.test(q)
        if (scan.lastAtomLiteral && (allowsZero || unbounded) && top !== undefined) top.literals--
        out += q
        if (nx === '?') {
          out += '?'
          i++
        }
        lastAtomUnbounded = false
        lastAtomOverlaps = false
        scan.lastAtomLiteral = false
        continue
      }
      default:
        out += ch
        scan.lastAtomLiteral = false
        if (ch !== '^' && ch !== '$') {
          firstChar(ch === '.' ? null : ch)
          if (ch !== '.') literal()
        }
        lastAtomUnbounded = false
        lastAtomOverlaps = false
    }
  }
  try {
    return { ok: true, re: new RegExp(out, flags), repeats }
  } catch (e: unknown) {
    const msg = e instanceof Error ? e.message.replace(/^Invalid regular expression: /, '') : String(e)
    return { ok: false, error: `invalid regular expression: ${msg}` }
  }
}

/** Expands `$0`..`$9` (and `\0`..`\9`) in a regexsub replacement. */
export function expandReplacement(repl: string, groups: readonly (string | undefined)[]): string {
  if (!repl.includes('$') && !repl.includes('\\')) return repl
  return repl.replace(/[$\\]([0-9])/g, (_m, d: string) => groups[Number(d)] ?? '')
}

/** Turns a `*`/`?` wildcard pattern into a whole-string regular expression. */
export function wildcardToRegex(pattern: string): CompiledRegex {
  let out = '^'
  for (const ch of pattern) {
    if (ch === '*') out += '[\\s\\S]*'
    else if (ch === '?') out += '[\\s\\S]'
    else out += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  }
  return { re: new RegExp(out + '$'), repeats: pattern.includes('*') }
}

/**
 * Subjects longer than this, matched against a pattern that repeats, run under a time limit.
 * Shorter ones (header values, paths) cannot take long enough to matter.
 */
export const GUARDED_SUBJECT_CHARS = 4096
/** Time limit for one guarded match (the original bounds regex work by steps instead). */
export const REGEX_TIME_LIMIT_MS = 100

/** Returned instead of a result when a guarded match ran out of time. */
export const TIMED_OUT: unique symbol = Symbol('regex timed out')

// A long match runs as a tiny fixed script in a separate context, because only script execution
// can be interrupted on a timeout; the pattern and subject are passed as values, never as code.
const box: { re: RegExp; s: string; fn: ((...m: string[]) => string) | null; out: unknown } = {
  re: /(?:)/, s: '', fn: null, out: null,
}
createContext(box)
const EXEC = new Script('out = re.exec(s)')
const REPLACE = new Script('out = s.replace(re, fn)')

function guarded(script: Script, r: CompiledRegex, subject: string, fn: ((...m: string[]) => string) | null): unknown {
  box.re = r.re
  box.s = subject
  box.fn = fn
  box.out = null
  try {
    script.runInContext(box, { timeout: REGEX_TIME_LIMIT_MS })
    return box.out
  } catch (e: unknown) {
    // The error may come from another realm, so it is recognised by its code, not its class.
    if (typeof e === 'object' && e !== null && 'code' in e && e.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return TIMED_OUT
    throw e
  } finally {
    box.s = ''
    box.fn = null
    box.out = null
  }
}

/** `re.exec(subject)`, under the time limit when the subject is long and the pattern repeats. */
export function execRegex(r: CompiledRegex, subject: string): RegExpExecArray | null | typeof TIMED_OUT {
  r.re.lastIndex = 0
  if (!r.repeats || subject.length <= GUARDED_SUBJECT_CHARS) return r.re.exec(subject)
  const out = guarded(EXEC, r, subject, null)
  return out === TIMED_OUT ? TIMED_OUT : (out as RegExpExecArray | null)
}

/** `subject.replace(re, fn)`, under the same rule as execRegex. */
export function replaceRegex(r: CompiledRegex, subject: string, fn: (...m: string[]) => string): string | typeof TIMED_OUT {
  r.re.lastIndex = 0
  if (!r.repeats || subject.length <= GUARDED_SUBJECT_CHARS) return subject.replace(r.re, fn)
  const out = guarded(REPLACE, r, subject, fn)
  return out === TIMED_OUT ? TIMED_OUT : String(out)
}

/** The runtime error for a match that ran out of time. */
export function timeoutMessage(fnName: string): string {
  return `${fnName}: the regular expression ran for more than ${REGEX_TIME_LIMIT_MS} ms on a long subject and was stopped`
}
