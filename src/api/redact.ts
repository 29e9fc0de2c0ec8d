/**
 * Secrets the API never shows. Private keys are write-only for every user, as in vTM: a read
 * says a key is present (the marker) or absent (empty), and a PUT that sends the marker back, or
 * leaves the key out, keeps the stored key. The audit log also masks every key whose name
 * mentions a password.
 * @module
 */
import { isRecord } from './config-files.ts'

/** What a read shows instead of a secret that is set. */
export const REDACTED = '********'

const SECRET_KEY = /pass(word|phrase)?|secret|private/i

/** Keys (section, key) that the API accepts but never returns, by object type. */
const WRITE_ONLY: Readonly<Record<string, readonly (readonly [string, string])[]>> = {
  'ssl/server_keys': [['basic', 'private']],
  'ssl/client_keys': [['basic', 'private']],
  // The cluster store's URL may carry its password.
  global_settings: [['cluster', 'redis_url']],
}

/** Whether `section.key` of `typeUri` is accepted but never shown. */
export function isWriteOnly(typeUri: string, section: string, key: string): boolean {
  return (WRITE_ONLY[typeUri] ?? []).some(([s, k]) => s === section && k === key)
}

/** A copy of `value` with secret-looking keys replaced by the marker. */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets)
  if (typeof value !== 'object' || value === null) return value
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEY.test(k) && typeof v === 'string' && v !== '' ? REDACTED : redactSecrets(v)
  }
  return out
}

/** An object's properties as the API shows them: write-only keys masked when set. */
export function hideWriteOnly(typeUri: string, properties: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...properties }
  for (const [section, key] of WRITE_ONLY[typeUri] ?? []) {
    const keys = out[section]
    if (!isRecord(keys) || !(key in keys)) continue
    out[section] = { ...keys, [key]: keys[key] === '' ? '' : REDACTED }
  }
  return out
}

/**
 * A PUT's `properties` with every write-only key that carries the marker removed, so the stored
 * value stays; or the key that carries the marker where nothing is stored (it cannot be kept).
 */
export function keepWriteOnly(
  typeUri: string,
  change: Readonly<Record<string, unknown>>,
  stored: Readonly<Record<string, unknown>> | undefined,
): { readonly ok: true; readonly change: Record<string, unknown> } | { readonly ok: false; readonly key: string } {
  const out: Record<string, unknown> = { ...change }
  for (const [section, key] of WRITE_ONLY[typeUri] ?? []) {
    const keys = out[section]
    if (!isRecord(keys) || keys[key] !== REDACTED) continue
    const kept = stored?.[section]
    if (!isRecord(kept) || typeof kept[key] !== 'string' || kept[key] === '') return { ok: false, key: `${section}.${key}` }
    out[section] = Object.fromEntries(Object.entries(keys).filter(([k]) => k !== key))
  }
  return { ok: true, change: out }
}
