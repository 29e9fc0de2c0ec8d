/**
 * Runs compiled rules against a transaction. A run never throws: it returns an outcome, and only
 * returns a Promise when a library function actually suspended.
 * @module
 */
import type { CompiledRule, CompiledRuleSet } from './check.ts'
import type { Frame, MaybePromise } from './closures.ts'
import type { Decision, RulePhase, RuleServices, TransactionView } from './host.ts'
import {
  BREAK, DEFAULT_EXECUTION_WARNING_MS, DEFAULT_MAX_RUN_MS, HALT_ABORT, HALT_STOP, RETURN, RunState,
} from './run-state.ts'
import type { Value } from './value.ts'

/** Default `trafficscript.max_instr`: instructions per run without yielding. */
export const DEFAULT_MAX_INSTRUCTIONS = 100_000

/** How a run ended. */
export type RunOutcome =
  | { readonly kind: 'completed'; readonly rule: string }
  /** Left early with a top-level `break` or `return`; later rules still run. */
  | { readonly kind: 'break'; readonly rule: string }
  /** A library function ended rule processing (pool.use, http.sendResponse, discard, ...). */
  | { readonly kind: 'stopped'; readonly rule: string }
  | {
      readonly kind: 'aborted'
      readonly rule: string
      readonly reason: 'budget' | 'error' | 'assert'
      readonly line: number
      readonly message: string
    }

/** What a run needs from its caller. */
export interface RunEnv {
  readonly view: TransactionView
  readonly services: RuleServices
  readonly decision: Decision
  readonly phase: RulePhase
  /** `trafficscript.max_instr`; defaults to {@link DEFAULT_MAX_INSTRUCTIONS}. */
  readonly maxInstructions?: number
  /** `trafficscript.execution_time_warning` in ms (default 500): event after this long without yielding. */
  readonly executionWarningMs?: number
  /** Wall-time cap in ms for running without yielding (default 2000); the run is aborted after it. */
  readonly maxRunMs?: number
}


function finish(rule: CompiledRule, s: RunState, code: number, env: RunEnv): RunOutcome {
  if (s.halt === HALT_ABORT) {
    const o: RunOutcome = { kind: 'aborted', rule: rule.name, reason: s.abortReason, line: s.errorLine, message: s.errorMessage }
    env.decision.noteAborted(rule.name)
    // One event names the rule once; a log.error line beside it would say the same again.
    const text = `rule ${rule.name}: line ${s.errorLine}: ${s.errorMessage}; rule aborted`
    try {
      env.services.emitEvent('rules_ruleabort', text, rule.name)
    } catch {
      // Reporting must not turn an aborted rule into a crash; the outcome still says what happened.
    }
    return o
  }
  // The common outcomes are preallocated per rule, so a normal run allocates no outcome.
  if (s.halt === HALT_STOP) return rule.outcomes.stopped
  if (code === BREAK || code === RETURN) return rule.outcomes.break
  return rule.outcomes.completed
}

function crashed(rule: CompiledRule, s: RunState, e: unknown, env: RunEnv): RunOutcome {
  const msg = e instanceof RangeError ? 'too much recursion or data' : `internal error: ${e instanceof Error ? e.message : String(e)}`
  s.halt = 0
  s.fail(msg)
  return finish(rule, s, 0, env)
}

/**
 * The state and top-level frame of the last finished synchronous run, kept for the next run: runs
 * on the data plane are nearly always synchronous and never nested, so one spare suffices. A run
 * that suspends keeps its own (its closures still hold them); a nested run, should a host ever
 * start one from inside a library call, finds no spare and allocates.
 */
let spareState: RunState | null = null
/** Every slot is `""` while it is spare, so a run starts with unassigned variables. */
let spareFrame: Frame = []

function release(s: RunState, frame: Frame, slotCount: number): void {
  // Values are dropped at once; the view and decision stay referenced until the next run.
  for (let i = 0; i < slotCount; i++) frame[i] = ''
  s.clearCaptures()
  s.returnValue = ''
  spareState = s
  spareFrame = frame
}

/** Runs one rule. Returns synchronously unless a library function suspended. */
export function runRule(rule: CompiledRule, env: RunEnv): MaybePromise<RunOutcome> {
  const maxSteps = env.maxInstructions ?? DEFAULT_MAX_INSTRUCTIONS
  const warnMs = env.executionWarningMs ?? DEFAULT_EXECUTION_WARNING_MS
  const abortMs = env.maxRunMs ?? DEFAULT_MAX_RUN_MS
  let s = spareState
  let frame: Frame
  if (s === null) {
    s = new RunState(rule.name, env.phase, env.view, env.services, env.decision, maxSteps, warnMs, abortMs)
    frame = new Array<Value>(rule.slotCount).fill('')
  } else {
    spareState = null
    s.reset(rule.name, env.phase, env.view, env.services, env.decision, maxSteps, warnMs, abortMs)
    frame = spareFrame.length >= rule.slotCount ? spareFrame : new Array<Value>(rule.slotCount).fill('')
  }
  let code
  try {
    code = rule.body(s, frame)
  } catch (e: unknown) {
    return crashed(rule, s, e, env)
  }
  if (code instanceof Promise) {
    const state = s
    return code.then(
      (k) => finish(rule, state, k, env),
      (e: unknown) => crashed(rule, state, e, env),
    )
  }
  const o = finish(rule, s, code, env)
  release(s, frame, rule.slotCount)
  return o
}

/**
 * Runs one rule list (request, response or completion rules) in order until a rule ends rule
 * processing (outcome `stopped`: pool.use, a generated response, discard, retry, ...). Returns the
 * outcome of the last rule run, or null when none ran. The same Decision may be passed to the
 * request and then the response list; each list starts afresh.
 */
export function runRules(set: CompiledRuleSet, names: readonly string[], env: RunEnv): MaybePromise<RunOutcome | null> {
  return runFrom(set, names, env, 0, null)
}

function runFrom(set: CompiledRuleSet, names: readonly string[], env: RunEnv, from: number, prev: RunOutcome | null): MaybePromise<RunOutcome | null> {
  let last = prev
  for (let i = from; i < names.length; i++) {
    if (last?.kind === 'stopped') return last
    const rule = set.rules.get(names[i] ?? '')
    if (rule === undefined) continue
    const o = runRule(rule, env)
    if (o instanceof Promise) return o.then((r) => runFrom(set, names, env, i + 1, r))
    last = o
  }
  return last
}
