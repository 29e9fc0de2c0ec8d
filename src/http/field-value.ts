/**
 * Reading one field from a flat header list (`[name, value, name, value, …]`), as the response
 * phases (compression, the cache) and session persistence do.
 * @module
 */
import { equalsLower } from './syntax.ts'

/** Every value of the field `lowerName`, trimmed and joined by ", " (RFC 9110 §5.3); null when absent. */
export function fieldValue(headers: readonly string[], lowerName: string): string | null {
  let value: string | null = null
  for (let i = 0; i < headers.length; i += 2) {
    if (!equalsLower(headers[i] ?? '', lowerName)) continue
    const v = (headers[i + 1] ?? '').trim()
    value = value === null ? v : `${value}, ${v}`
  }
  return value
}
