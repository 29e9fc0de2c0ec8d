/**
 * A comparable summary of a monitor's settings, so a reload can tell whether a monitor changed.
 * @module
 */
import type { MonitorSpec } from './types.ts'

/** Equal strings mean equal settings (regexes compare by source and flags). */
export function specFingerprint(spec: MonitorSpec): string {
  return JSON.stringify(spec, (_key, value: unknown) =>
    value instanceof RegExp ? `/${value.source}/${value.flags}` : value,
  )
}
