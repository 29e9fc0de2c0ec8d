/**
 * Secrets never reach the audit log: keys whose names mention a password are masked.
 * @module
 */

const SECRET_KEY = /pass(word|phrase)?|secret|private/i

/** A copy of `value` with secret-looking keys replaced by `"********"`. */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets)
  if (typeof value !== 'object' || value === null) return value
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEY.test(k) && typeof v === 'string' && v !== '' ? '********' : redactSecrets(v)
  }
  return out
}
