/**
 * PCRE-flavoured regular expressions on the JavaScript engine. Patterns are translated where the
 * two differ (backreferences, possessive and atomic constructs are refused). Every match is bounded
 * in time whatever the pattern and the subject: a subject no longer than what the cost model
 * (regex-cost.ts) trusts the backtracking engine with runs there directly; a longer one runs on the
 * linear-time engine (regex-linear.ts), or, for the few patterns that engine cannot run
 * (lookaround), on the backtracking engine under a time limit.
 * @module
 */
import { Script, createContext } from 'node:vm'
import { backtrackLimitChars, hasNestedRepetition } from './regex-cost.ts'
import { OUT_OF_TIME, compileLinear, execLinear, linearUnsupported, replaceLinear } from './regex-linear.ts'
import type { LinearProgram } from './regex-linear.ts'
import { parseRegex } from './regex-syntax.ts'
import type { ParsedRegex } from './regex-syntax.ts'

/** A usable pattern and how its matches are bounded. */
export interface CompiledRegex {
  readonly re: RegExp
  /** The longest subject matched directly with `re` (Infinity: any; -1: none). */
  readonly directMaxChars: number
  /** The pattern on the linear-time engine, for longer subjects; null when it cannot run there. */
  readonly linear: LinearProgram | null
}

/**
 * A compiled pattern. The linear program is built on first use: most patterns never need it,
 * and building it costs far more than `new RegExp` (patterns built per request pay nothing).
 */
class CompiledPattern implements CompiledRegex {
  readonly ok = true
  readonly re: RegExp
  readonly directMaxChars: number
  readonly #flags: string
  #parsed: ParsedRegex | null
  #linear: LinearProgram | null = null

  constructor(re: RegExp, directMaxChars: number, linearSource: ParsedRegex | null, flags: string) {
    this.re = re
    this.directMaxChars = directMaxChars
    this.#parsed = linearSource
    this.#flags = flags
  }

  get linear(): LinearProgram | null {
    if (this.#parsed !== null) {
      const p = compileLinear(this.#parsed, this.#flags)
      this.#linear = typeof p === 'string' ? null : p
      this.#parsed = null
    }
    return this.#linear
  }
}

/** A compiled pattern, or why it cannot be used. */
export type RegexResult = CompiledPattern | { readonly ok: false; readonly error: string }

/** A match: `[0]` the whole match, `[1]`.. the captures (undefined when not taking part). */
export interface RegexMatch extends ArrayLike<string | undefined> {
  readonly index: number
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

function cached(key: string, make: () => RegexResult): RegexResult {
  const hit = cache.get(key)
  if (hit !== undefined) return hit
  const r = make()
  if (cache.size >= CACHE_MAX) {
    const first = cache.keys().next()
    if (first.done !== true) cache.delete(first.value)
  }
  cache.set(key, r)
  return r
}

/** Translates and checks a PCRE pattern. `flags` is TrafficScript's: `i`, `g`, `m`, `s`. */
export function compileRegex(pattern: string, flags: string): RegexResult {
  return cached(flags + '\0' + pattern, () => translate(pattern, flags))
}

/** Compiles a JavaScript pattern for both engines. */
function prepare(source: string, flags: string): RegexResult {
  let re: RegExp
  try {
    re = new RegExp(source, flags)
  } catch (e: unknown) {
    const msg = e instanceof Error ? e.message.replace(/^Invalid regular expression: /, '') : String(e)
    return { ok: false, error: `invalid regular expression: ${msg}` }
  }
  const parsed = parseRegex(source, flags.includes('s'))
  const why = linearUnsupported(parsed)
  // Nothing would bound such a pattern but the time limit, and a short hostile subject would use
  // all of it on every match.
  if (why !== null && hasNestedRepetition(parsed.root)) {
    return { ok: false, error: `nested repetition can backtrack catastrophically, and ${why}` }
  }
  return new CompiledPattern(re, backtrackLimitChars(parsed.root, flags.includes('m')), why === null ? parsed : null, flags)
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
        // PCRE takes a ']' first in a class as a member; JavaScript would end the class there.
        if (src.charAt(i + 1) === ']') {
          out += '\\]'
          i++
        }
        continue
      case '(': {
        if (src.startsWith('(?>', i)) return { ok: false, error: 'atomic groups (?>...) are not supported' }
        if (src.startsWith('(?#', i)) {
          const end = src.indexOf(')', i)
          i = end < 0 ? src.length : end
          continue
        }
        // Copy a group prefix such as (?: (?= (?! (?<= (?<! (?<name> whole, so its characters are
        // not taken for quantifiers; (?P<name> becomes (?<name>.
        const prefix = /^\(\?(?:P?<[A-Za-z_][A-Za-z0-9_]*>|<[=!]|[:=!]|[imsx-]+:)/.exec(src.slice(i))
        if (prefix !== null) {
          out += prefix[0].replace('(?P<', '(?<')
          i += prefix[0].length - 1
        } else out += ch
        continue
      }
      case '*':
      case '+':
      case '?':
      case '}': {
        const nx = src.charAt(i + 1)
        if (nx === '+' && (ch !== '}' || /\{\d*,?\d*\}$/.test(out + ch))) return { ok: false, error: 'possessive quantifiers are not supported' }
        out += ch
        continue
      }
      case '{':
        // A brace that does not start a quantifier is a literal in PCRE.
        out += /^\{\d+(,\d*)?\}/.test(src.slice(i)) ? ch : '\\{'
        continue
      default:
        out += ch
    }
  }
  return prepare(out, flags)
}

/** Expands `$0`..`$9` (and `\0`..`\9`) in a regexsub replacement. */
export function expandReplacement(repl: string, groups: readonly (string | undefined)[]): string {
  if (!repl.includes('$') && !repl.includes('\\')) return repl
  return repl.replace(/[$\\]([0-9])/g, (_m, d: string) => groups[Number(d)] ?? '')
}

/** Turns a `*`/`?` wildcard pattern into a whole-string regular expression. */
export function wildcardToRegex(pattern: string): RegexResult {
  return cached('*\0' + pattern, () => {
    let out = '^'
    for (const ch of pattern) {
      if (ch === '*') out += '[\\s\\S]*'
      else if (ch === '?') out += '[\\s\\S]'
      else out += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
    }
    return prepare(out + '$', '')
  })
}

/** Time limit for one match, or one regexsub, that is not proven fast (the original counts steps). */
export const REGEX_TIME_LIMIT_MS = 100

/** Returned instead of a result when a match ran out of time. */
export const TIMED_OUT: unique symbol = Symbol('regex timed out')

// Without a linear program, a long match runs as a tiny fixed script in a separate context,
// because only script execution can be interrupted on a timeout; the pattern and subject are
// passed as values, never as code.
const box: { re: RegExp; s: string; fn: ((...m: unknown[]) => string) | null; out: unknown } = {
  re: /(?:)/, s: '', fn: null, out: null,
}
createContext(box)
const EXEC = new Script('out = re.exec(s)')
const REPLACE = new Script('out = s.replace(re, fn)')

function guarded(script: Script, r: CompiledRegex, subject: string, fn: ((...m: unknown[]) => string) | null): unknown {
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

function deadline(): number {
  return performance.now() + REGEX_TIME_LIMIT_MS
}

/** `re.exec(subject)`, on the engine and under the bound that suit the pattern and the subject. */
export function execRegex(r: CompiledRegex, subject: string): RegexMatch | null | typeof TIMED_OUT {
  r.re.lastIndex = 0
  if (subject.length <= r.directMaxChars) return r.re.exec(subject)
  if (r.linear !== null) {
    const m = execLinear(r.linear, subject, deadline())
    return m === OUT_OF_TIME ? TIMED_OUT : m
  }
  const out = guarded(EXEC, r, subject, null)
  return out === TIMED_OUT ? TIMED_OUT : (out as RegExpExecArray | null)
}

/** `subject.replace(re, fn)`, under the same rule as execRegex. */
export function replaceRegex(r: CompiledRegex, subject: string, fn: (...m: unknown[]) => string): string | typeof TIMED_OUT {
  r.re.lastIndex = 0
  if (subject.length <= r.directMaxChars) return subject.replace(r.re, fn as (...m: string[]) => string)
  if (r.linear !== null) {
    const out = replaceLinear(r.linear, subject, r.re.global, fn, deadline())
    return out === OUT_OF_TIME ? TIMED_OUT : out
  }
  const out = guarded(REPLACE, r, subject, fn)
  return out === TIMED_OUT ? TIMED_OUT : String(out)
}

/**
 * Whether a PCRE `pattern` finds a match in `subject`, for the data plane (TCP `request.endsWith`):
 * null when the pattern is refused or the match ran out of time.
 */
export function regexFinds(pattern: string, subject: string): boolean | null {
  const r = compileRegex(pattern, '')
  if (!r.ok) return null
  const m = execRegex(r, subject)
  return m === TIMED_OUT ? null : m !== null
}

/** The runtime error for a match that ran out of time. */
export function timeoutMessage(fnName: string): string {
  return `${fnName}: the regular expression ran for more than ${REGEX_TIME_LIMIT_MS} ms and was stopped`
}
