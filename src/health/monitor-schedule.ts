/**
 * One monitor probing one target on a timer, counting consecutive failures. It survives
 * configuration reloads: the manager swaps its settings in place and keeps its counters.
 * @module
 */
import { errorMessage } from '../core/index.ts'
import type { MonitorSpec, Probe, ProbeResult, ProbeTarget } from './types.ts'
import type { HealthTimers } from './timers.ts'
import { nextDelayMs } from './back-off.ts'

/** How long a probe may overrun its timeout before it is abandoned as broken. */
const PROBE_GRACE_MS = 250

/** A change in whether this monitor counts its target as failed. */
export type ScheduleTransition = 'failed' | 'recovered'

/** Called after every probe; `transition` is set when the failed state changed. */
export type ScheduleListener = (
  schedule: MonitorSchedule,
  result: ProbeResult,
  transition: ScheduleTransition | undefined,
) => void

/** The observable state of a schedule. */
export interface MonitorScheduleState {
  readonly monitor: string
  readonly target: string
  readonly consecutiveFailures: number
  readonly failed: boolean
  /** Reason from the latest probe; empty before the first. */
  readonly lastReason: string
  readonly probes: number
}

/** Repeats a probe against one target: probe, wait, probe, never two at once. */
export class MonitorSchedule {
  readonly target: ProbeTarget
  #spec: MonitorSpec
  #probe: Probe
  readonly #timers: HealthTimers
  readonly #listener: ScheduleListener
  #consecutiveFailures = 0
  #failed = false
  #lastReason = ''
  #probes = 0
  #cancelTimer: (() => void) | undefined
  #inFlight: { controller: AbortController; done: Promise<void> } | undefined
  #stopped = false

  constructor(spec: MonitorSpec, probe: Probe, target: ProbeTarget, timers: HealthTimers, listener: ScheduleListener) {
    this.#spec = spec
    this.#probe = probe
    this.target = target
    this.#timers = timers
    this.#listener = listener
  }

  get spec(): MonitorSpec {
    return this.#spec
  }

  get failed(): boolean {
    return this.#failed
  }

  get lastReason(): string {
    return this.#lastReason
  }

  state(): MonitorScheduleState {
    return {
      monitor: this.#spec.name,
      target: this.target.label,
      consecutiveFailures: this.#consecutiveFailures,
      failed: this.#failed,
      lastReason: this.#lastReason,
      probes: this.#probes,
    }
  }

  /** False once `stop` has been called. */
  isRunning(): boolean {
    return !this.#stopped
  }

  /** Starts probing after `firstDelayMs`. */
  start(firstDelayMs = 0): void {
    this.#arm(firstDelayMs)
  }

  /** New settings from a reload; counters are kept and the pace follows the new delay. */
  replaceSpec(spec: MonitorSpec, probe: Probe): void {
    this.#spec = spec
    this.#probe = probe
    if (this.#inFlight === undefined && !this.#stopped) {
      this.#arm(nextDelayMs(spec, this.#consecutiveFailures))
    }
  }

  /** Stops the timer and aborts a running probe; resolves once that probe has settled. */
  async stop(): Promise<void> {
    this.#stopped = true
    this.#cancelTimer?.()
    this.#cancelTimer = undefined
    const inFlight = this.#inFlight
    if (inFlight === undefined) return
    inFlight.controller.abort()
    await inFlight.done
  }

  #arm(delayMs: number): void {
    this.#cancelTimer?.()
    this.#cancelTimer = this.#timers.set(() => {
      this.#cancelTimer = undefined
      this.#runOnce()
    }, delayMs)
  }

  #runOnce(): void {
    if (this.#stopped || this.#inFlight !== undefined) return
    const controller = new AbortController()
    const signal = AbortSignal.any([controller.signal, AbortSignal.timeout(this.#spec.timeoutMs)])
    const done = guardedRun(this.#probe, this.target, signal).then((result) => {
      this.#inFlight = undefined
      if (this.#stopped) return
      this.#record(result)
      // The listener may have stopped this schedule (a sink that reconfigures synchronously).
      if (this.isRunning()) this.#arm(nextDelayMs(this.#spec, this.#consecutiveFailures))
    })
    this.#inFlight = { controller, done }
  }

  #record(result: ProbeResult): void {
    this.#probes++
    this.#lastReason = result.reason
    let transition: ScheduleTransition | undefined
    if (result.ok) {
      this.#consecutiveFailures = 0
      if (this.#failed) transition = 'recovered'
      this.#failed = false
    } else {
      this.#consecutiveFailures++
      if (!this.#failed && this.#consecutiveFailures >= this.#spec.failures) {
        this.#failed = true
        transition = 'failed'
      }
    }
    this.#listener(this, result, transition)
  }
}

/** Runs a probe, turning a throw or a probe that ignores its abort into a failure. */
function guardedRun(probe: Probe, target: ProbeTarget, signal: AbortSignal): Promise<ProbeResult> {
  return new Promise((resolve) => {
    let cancelGrace: (() => void) | undefined
    const onAbort = () => {
      const handle = setTimeout(() => {
        resolve({ ok: false, reason: 'probe did not stop after its timeout' })
      }, PROBE_GRACE_MS)
      handle.unref()
      cancelGrace = () => {
        clearTimeout(handle)
      }
    }
    signal.addEventListener('abort', onAbort, { once: true })
    const settle = (result: ProbeResult) => {
      signal.removeEventListener('abort', onAbort)
      cancelGrace?.()
      resolve(result)
    }
    probe.run(target, signal).then(settle, (error: unknown) => {
      settle({ ok: false, reason: `probe failed: ${errorMessage(error)}` })
    })
  })
}
