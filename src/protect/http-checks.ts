/**
 * The `http` checks of a protection class, on a parsed request head. Each check is compiled in
 * only when its key is set, so a class that sets none costs nothing here.
 * @module
 */
import type { RefusalReason } from './reasons.ts'

/** What the checks read of a request head (the HTTP engine's parsed head has it). */
export interface CheckedHead {
  readonly target: string
  /** Flat name, value list. */
  readonly headers: readonly string[]
  readonly headBytes: number
  /** Declared body length; -1 or 0 when there is none. */
  readonly contentLength: number
}

export interface HttpCheckSettings {
  readonly maxUrlLength: number
  readonly maxHeaderLength: number
  readonly maxRequestLength: number
  readonly maxBodyLength: number
  readonly rejectBinary: boolean
  readonly checkRfc2396: boolean
}

export type HttpCheck = (head: CheckedHead) => RefusalReason | null

// RFC 2396 section 2: unreserved (alphanum and mark), reserved, and '%' that starts an escape.
const URI_CHAR = new Uint8Array(128)
for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!~*'();/?:@&=+$,%") URI_CHAR[c.charCodeAt(0)] = 1

function isHex(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || ((code | 0x20) >= 0x61 && (code | 0x20) <= 0x66)
}

/** True when the target uses only RFC 2396 characters and every `%` starts an escape. */
export function isRfc2396(target: string): boolean {
  for (let i = 0; i < target.length; i++) {
    const c = target.charCodeAt(i)
    if (c >= 128 || URI_CHAR[c] !== 1) return false
    if (c === 0x25 && !(isHex(target.charCodeAt(i + 1)) && isHex(target.charCodeAt(i + 2)))) return false
  }
  return true
}

function isControl(code: number): boolean {
  return (code < 0x20 && code !== 0x09) || code === 0x7f
}

/** True when the text holds a control character, after `%XX` escapes are decoded. */
export function hasBinary(text: string, decodeEscapes: boolean): boolean {
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i)
    if (decodeEscapes && c === 0x25 && isHex(text.charCodeAt(i + 1)) && isHex(text.charCodeAt(i + 2))) {
      c = parseInt(text.slice(i + 1, i + 3), 16)
      i += 2
    }
    if (isControl(c)) return true
  }
  return false
}

/** The checks a class configures, in a fixed order; empty when it sets none. */
export function compileHttpChecks(s: HttpCheckSettings): readonly HttpCheck[] {
  const checks: HttpCheck[] = []
  if (s.maxUrlLength > 0) checks.push((h) => (h.target.length > s.maxUrlLength ? 'max_url_length' : null))
  if (s.maxRequestLength > 0) checks.push((h) => (h.headBytes > s.maxRequestLength ? 'max_request_length' : null))
  if (s.maxHeaderLength > 0) {
    checks.push((h) => {
      const list = h.headers
      for (let i = 0; i + 1 < list.length; i += 2) {
        if ((list[i] ?? '').length + (list[i + 1] ?? '').length > s.maxHeaderLength) return 'max_header_length'
      }
      return null
    })
  }
  if (s.maxBodyLength > 0) checks.push((h) => (h.contentLength > s.maxBodyLength ? 'max_body_length' : null))
  if (s.checkRfc2396) checks.push((h) => (isRfc2396(h.target) ? null : 'check_rfc2396'))
  if (s.rejectBinary) {
    checks.push((h) => {
      if (hasBinary(h.target, true)) return 'reject_binary'
      const list = h.headers
      for (let i = 1; i < list.length; i += 2) if (hasBinary(list[i] ?? '', false)) return 'reject_binary'
      return null
    })
  }
  return Object.freeze(checks)
}
