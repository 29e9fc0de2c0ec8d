/**
 * Compile-time checks for the regular expressions monitors match against peer data.
 * @module
 */
import { ok, err, errorMessage } from '../core/index.ts'
import type { Result } from '../core/index.ts'

/** Longest accepted pattern. */
export const MAX_MONITOR_REGEX_CHARS = 1024

/**
 * Compiles `source` for matching node responses. Backreferences are refused (they make matching
 * potentially exponential, STYLE.md §2.5), and so are very long patterns.
 */
export function checkMonitorRegex(source: string): Result<RegExp, string> {
  if (source.length > MAX_MONITOR_REGEX_CHARS) {
    return err(`regular expression is longer than ${MAX_MONITOR_REGEX_CHARS} characters`)
  }
  for (let i = 0; i < source.length; i++) {
    if (source[i] !== '\\') continue
    const next = source[i + 1] ?? ''
    if ((next >= '1' && next <= '9') || (next === 'k' && source[i + 2] === '<')) {
      return err(`backreferences are not allowed in monitor regular expressions (at ${i})`)
    }
    i++
  }
  try {
    return ok(new RegExp(source))
  } catch (error: unknown) {
    return err(`invalid regular expression: ${errorMessage(error)}`)
  }
}
