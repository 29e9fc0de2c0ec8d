/**
 * The probe pacing rule, including `back_off`.
 * @module
 */
import type { MonitorSpec } from './types.ts'

/** The longest back-off, as a multiple of `delay`. */
export const BACK_OFF_MAX_FACTOR = 8

/**
 * Milliseconds to wait after a probe before the next one, given the consecutive failures so far
 * (including that probe). Without `back_off`, or while the target has not yet reached `failures`,
 * it is `delayMs`. Once the target is failed, each further failure doubles the wait, up to
 * `BACK_OFF_MAX_FACTOR × delayMs`: with delay 3 s and failures 3, the waits after failures
 * 1..6 are 3, 3, 6, 12, 24, 24 s. The first success returns to `delayMs`.
 */
export function nextDelayMs(spec: Pick<MonitorSpec, 'delayMs' | 'failures' | 'backOff'>, consecutiveFailures: number): number {
  if (!spec.backOff || consecutiveFailures < spec.failures) return spec.delayMs
  const doublings = Math.min(consecutiveFailures - spec.failures + 1, Math.log2(BACK_OFF_MAX_FACTOR))
  return spec.delayMs * 2 ** doublings
}
