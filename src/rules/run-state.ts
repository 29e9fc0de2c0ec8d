/**
 * Per-run state of a rule: the budget, the `$1..$9` globals, the halt flag, and the host.
 * Library functions receive it as their first argument.
 * @module
 */
import type { Decision, RulePhase, RuleServices, TransactionView } from './host.ts'
import type { Value } from './value.ts'

/** Statement completion codes (a number, so the hot path allocates nothing). */
export const NORMAL = 0
export const BREAK = 1
export const CONTINUE = 2
export const RETURN = 3
export const HALTED = 4

/** Why a run stopped early. */
export const HALT_NONE = 0
/** A library function ended rule processing (pool.use, sendResponse, discard, ...). */
export const HALT_STOP = 1
/** Runtime error or budget exhausted. */
export const HALT_ABORT = 2

/** `trafficscript.execution_time_warning`: the event is raised after this long without yielding. */
export const DEFAULT_EXECUTION_WARNING_MS = 500
/** Sluice's own wall-time cap for one stretch of a run without yielding. */
export const DEFAULT_MAX_RUN_MS = 2000

/** How many capture variables there are: `$0`..`$9`. */
const CAPTURES = 10

/**
 * Everything one run of one rule needs. A finished synchronous run hands its instance back to
 * run.ts, which resets it for the next run, so the common case allocates no state per run.
 */
export class RunState {
  steps = 0
  maxSteps: number
  halt = HALT_NONE
  /** Set with HALT_ABORT. */
  errorMessage = ''
  errorLine = 0
  abortReason: 'budget' | 'error' | 'assert' = 'error'
  /** The line of the statement being executed, for error messages. */
  line = 0
  /** `$0`..`$9`: this run's own list, written in place by regex and outbound HTTP functions. */
  readonly captures: Value[] = new Array<Value>(CAPTURES).fill('')
  /** Return value of the sub being left with `return`. */
  returnValue: Value = ''
  subDepth = 0
  /** Wall-time limits of one stretch of running without yielding; see checkTime. */
  warnAfterMs: number
  abortAfterMs: number
  #segmentStartMs = -1
  #warned = false
  ruleName: string
  phase: RulePhase
  view: TransactionView
  services: RuleServices
  decision: Decision

  constructor(
    ruleName: string,
    phase: RulePhase,
    view: TransactionView,
    services: RuleServices,
    decision: Decision,
    maxSteps: number,
    warnAfterMs = DEFAULT_EXECUTION_WARNING_MS,
    abortAfterMs = DEFAULT_MAX_RUN_MS,
  ) {
    this.warnAfterMs = warnAfterMs
    this.abortAfterMs = abortAfterMs
    this.ruleName = ruleName
    this.phase = phase
    this.view = view
    this.services = services
    this.decision = decision
    this.maxSteps = maxSteps
  }

  /** Makes a finished instance as good as a new one for another run (the constructor's arguments). */
  reset(
    ruleName: string,
    phase: RulePhase,
    view: TransactionView,
    services: RuleServices,
    decision: Decision,
    maxSteps: number,
    warnAfterMs: number,
    abortAfterMs: number,
  ): void {
    this.steps = 0
    this.maxSteps = maxSteps
    this.halt = HALT_NONE
    this.errorMessage = ''
    this.errorLine = 0
    this.abortReason = 'error'
    this.line = 0
    this.clearCaptures()
    this.returnValue = ''
    this.subDepth = 0
    this.warnAfterMs = warnAfterMs
    this.abortAfterMs = abortAfterMs
    this.#segmentStartMs = -1
    this.#warned = false
    this.ruleName = ruleName
    this.phase = phase
    this.view = view
    this.services = services
    this.decision = decision
  }

  /** Whether the run must stop; a method so that narrowing of `halt` never goes stale across calls. */
  halted(): boolean {
    return this.halt !== HALT_NONE
  }

  /**
   * Called every 1024 instructions. The first call starts the stopwatch (so runs that never get
   * that far never read the clock); later calls raise the `rules_executiontime` event once after
   * `warnAfterMs`, and abort the run after `abortAfterMs` without yielding.
   */
  checkTime(): boolean {
    // The data plane holds the clock while it handles a read, and rules run inside that.
    this.services.clock.refresh()
    const now = this.services.clock.monoMs()
    if (this.#segmentStartMs < 0) {
      this.#segmentStartMs = now
      return true
    }
    const elapsed = now - this.#segmentStartMs
    if (!this.#warned && elapsed > this.warnAfterMs) {
      this.#warned = true
      this.services.emitEvent('rules_executiontime', `rule ${this.ruleName} has run for more than ${this.warnAfterMs} ms`, this.ruleName)
    }
    if (elapsed > this.abortAfterMs) {
      this.fail(`ran for more than ${this.abortAfterMs} ms without yielding`, 'budget')
      return false
    }
    return true
  }

  /** After a suspension: the instruction count and the stopwatch start again. */
  resumed(): void {
    this.steps = 0
    this.#segmentStartMs = -1
  }

  /** Aborts the run with a runtime error; returns `""` so callers can `return s.fail(...)`. */
  fail(message: string, reason: 'budget' | 'error' | 'assert' = 'error'): Value {
    if (this.halt !== HALT_ABORT) {
      this.halt = HALT_ABORT
      this.errorMessage = message
      this.errorLine = this.line
      this.abortReason = reason
    }
    return ''
  }

  /** Ends rule processing normally (a decision was made). */
  stop(): void {
    if (this.halt === HALT_NONE) this.halt = HALT_STOP
  }

  /**
   * Sets `$0..$9` from a list (regex captures, where unmatched groups are undefined; outbound
   * HTTP results); the rest become `""`.
   */
  setCaptures(values: ArrayLike<Value | undefined>): void {
    const c = this.captures
    for (let i = 0; i < CAPTURES; i++) c[i] = i < values.length ? (values[i] ?? '') : ''
  }

  setCapture(i: number, v: Value): void {
    this.captures[i] = v
  }

  clearCaptures(): void {
    const c = this.captures
    for (let i = 0; i < CAPTURES; i++) c[i] = ''
  }
}
