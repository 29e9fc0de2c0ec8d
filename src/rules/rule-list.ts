/**
 * A virtual server's rule lists, and running one of them for one phase of a transaction: in
 * order, synchronously while the rules need nothing from outside, resuming after a rule that had
 * to wait. HTTP and generic TCP virtual servers run their lists this way.
 * @module
 */
import type { CompiledRule } from './check.ts'
import { runRule, type RunEnv, type RunOutcome } from './run.ts'

/** A rule in a virtual server's list: `only_first` runs on the first request of a connection only. */
export interface RuleBinding {
  readonly rule: CompiledRule
  readonly isOnlyFirst: boolean
}

/** A virtual server's rules by phase. */
export interface PhaseRules {
  readonly request: readonly RuleBinding[]
  readonly response: readonly RuleBinding[]
  readonly completion: readonly RuleBinding[]
}

export const NO_RULES: PhaseRules = Object.freeze({ request: [], response: [], completion: [] })

function isPromise(x: RunOutcome | Promise<RunOutcome>): x is Promise<RunOutcome> {
  return typeof (x as Partial<Promise<RunOutcome>>).then === 'function'
}

/**
 * Runs `list` from `start`; calls `done` once, when the list is finished or a rule ended rule
 * processing (pool.use, http.sendResponse, connection.discard, ...). `done` may run before this
 * returns (every rule ran synchronously; the result is then true) or later (a rule waited; the
 * result is false).
 */
export function runRuleList(list: readonly RuleBinding[], start: number, env: RunEnv, isFirstRequest: boolean, done: () => void): boolean {
  for (let i = start; i < list.length; i++) {
    const binding = list[i]
    if (binding === undefined || (binding.isOnlyFirst && !isFirstRequest)) continue
    const outcome = runRule(binding.rule, env)
    if (isPromise(outcome)) {
      void outcome.then(
        (o) => {
          if (o.kind === 'stopped' || env.decision.final) done()
          else runRuleList(list, i + 1, env, isFirstRequest, done)
        },
        // runRule never rejects; should it ever, the transaction must still go on.
        () => {
          done()
        },
      )
      return false
    }
    if (outcome.kind === 'stopped' || env.decision.final) break
  }
  done()
  return true
}
