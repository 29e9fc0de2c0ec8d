/**
 * Helpers shared by connection-level modules: settings recorded in the Decision, line reading.
 * @module
 */
import { TIMED_OUT, compileRegex, execRegex, timeoutMessage } from '../regex.ts'
import type { FunctionSpec } from '../registry.ts'
import type { RunState } from '../run-state.ts'
import type { Value } from '../value.ts'
import { arg } from './args.ts'

/** What `FunctionSpec.unsupported` says of a function whose recorded choice nothing reads yet. */
export const NO_EFFECT = 'it has no effect'

/** A function that records its argument in `Decision.settings` under `name` and returns `""`. */
export function setting(name: string, conv: (a: Value[]) => Value = (a) => arg(a, 0)): FunctionSpec {
  return { min: 1, max: 1, fn: (s, a) => { s.decision.setSetting(name, conv(a)); return '' } }
}

/** A function that reads back what `setting(name)` recorded, or `dflt`. */
export function getting(name: string, dflt: Value): FunctionSpec {
  return { min: 0, max: 0, fn: (s) => s.decision.settings.get(name) ?? dflt }
}

/** Data up to and including the first match of `pattern` (default: a newline) from `offset`. */
export function lineOf(st: RunState, s: string, pattern: string, offset: number): Value {
  const from = s.slice(Math.max(0, offset))
  if (pattern === '') {
    const i = from.indexOf('\n')
    return i < 0 ? from : from.slice(0, i + 1)
  }
  const re = compileRegex(pattern, '')
  if (!re.ok) return st.fail(`getLine: ${re.error}`)
  const m = execRegex(re, from)
  if (m === TIMED_OUT) return st.fail(timeoutMessage('getLine'), 'budget')
  return m === null ? from : from.slice(0, m.index + (m[0] ?? '').length)
}
