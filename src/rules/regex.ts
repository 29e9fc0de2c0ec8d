/**
 * PCRE-flavoured regular expressions on the JavaScript engine. Patterns are translated where the
 * two differ, and patterns that could backtrack catastrophically (nested unbounded repetition,
 * backreferences, possessive/atomic constructs) are refused instead of run.
 * @module
 */

/** A compiled pattern, or why it cannot be used. */
export type RegexResult = { readonly ok: true; readonly re: RegExp } | { readonly ok: false; readonly error: string }

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
  // Per open group: does it contain unbounded repetition?
  const groups: boolean[] = []
  let lastAtomUnbounded = false
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
      lastAtomUnbounded = false
      continue
    }
    if (inClass) {
      if (ch === '[' && src.charAt(i + 1) === ':') {
        const end = src.indexOf(':]', i + 2)
        const name = end < 0 ? '' : src.slice(i + 2, end)
        const cls = POSIX_CLASSES[name]
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
        lastAtomUnbounded = false
        continue
      case '(': {
        if (src.startsWith('(?>', i)) return { ok: false, error: 'atomic groups (?>...) are not supported' }
        if (src.startsWith('(?P<', i)) {
          out += '(?<'
          i += 3
        } else if (src.startsWith('(?#', i)) {
          const end = src.indexOf(')', i)
          i = end < 0 ? src.length : end
          continue
        } else out += ch
        groups.push(false)
        lastAtomUnbounded = false
        continue
      }
      case ')': {
        const inner = groups.pop() ?? false
        out += ch
        // Remember whether the group we just closed repeats internally, for the quantifier check.
        lastAtomUnbounded = inner
        if (groups.length > 0 && inner) groups[groups.length - 1] = true
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
        if (unbounded && groups.length > 0) groups[groups.length - 1] = true
        out += q
        if (nx === '?') {
          out += '?'
          i++
        }
        lastAtomUnbounded = false
        continue
      }
      default:
        out += ch
        lastAtomUnbounded = false
    }
  }
  try {
    return { ok: true, re: new RegExp(out, flags) }
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
export function wildcardToRegex(pattern: string): RegExp {
  let out = '^'
  for (const ch of pattern) {
    if (ch === '*') out += '[\\s\\S]*'
    else if (ch === '?') out += '[\\s\\S]'
    else out += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  }
  return new RegExp(out + '$')
}
