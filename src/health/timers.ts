/**
 * Timers as a dependency, so schedules can be driven by hand in tests.
 * @module
 */

/** Schedules `fn` once after `delayMs`; returns a function that cancels it. */
export interface HealthTimers {
  set(fn: () => void, delayMs: number): () => void
}

/** Real timers, unref'd so that monitoring alone never keeps the process running. */
export const realTimers: HealthTimers = {
  set(fn, delayMs) {
    const handle = setTimeout(fn, delayMs)
    handle.unref()
    return () => {
      clearTimeout(handle)
    }
  },
}
