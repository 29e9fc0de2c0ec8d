/**
 * Absolute-form request targets (RFC 9112 §3.2). A request to `http://authority/path` is handled as `/path` with
 * `Host: authority`, as origin servers must (RFC 9112 §3.2.2) and as nodes such as nginx route
 * it, so the Host a rule or a node sees is the one that counts.
 * @module
 */
import { HEAD_ERRORS, type HeadError } from './head-error.ts'
import type { RequestHead } from './request-head.ts'
import { equalsLower, isValidHost } from './syntax.ts'

/**
 * Checks the target of `head` (whose first character is not `/`) and turns an absolute-form
 * one into origin-form with the Host set to its authority. Returns an error, or null when the
 * head is fine (rewritten or not).
 */
export function applyRequestTarget(head: RequestHead): HeadError | null {
  const target = head.target
  if (target === '*' || head.method === 'CONNECT') return null
  const sep = target.indexOf('://')
  if (sep === -1) return HEAD_ERRORS.badTarget
  const scheme = target.slice(0, sep)
  if (!equalsLower(scheme, 'http') && !equalsLower(scheme, 'https')) return HEAD_ERRORS.badTarget
  const from = sep + 3
  let end = from
  while (end < target.length) {
    const c = target.charCodeAt(end)
    if (c === 0x2f || c === 0x3f || c === 0x23) break
    end++
  }
  const authority = target.slice(from, end)
  // No userinfo (RFC 9110 §4.2.4), and an http(s) URI has a host (§4.2.1).
  if (authority === '' || authority.charCodeAt(0) === 0x3a || authority.includes('@')) return HEAD_ERRORS.badTarget
  if (!isValidHost(Buffer.from(authority, 'latin1'), 0, authority.length)) return HEAD_ERRORS.badTarget
  const rest = target.slice(end)
  if (rest.includes('#')) return HEAD_ERRORS.badTarget
  head.target = rest === '' || rest.charCodeAt(0) === 0x3f ? '/' + rest : rest
  setHost(head, authority)
  return null
}

/** Replaces the Host field (or adds one, for HTTP/1.0) with `authority`. */
function setHost(head: RequestHead, authority: string): void {
  const list = head.headers
  let found = false
  for (let i = 0; i < list.length; i += 2) {
    if (equalsLower(list[i] ?? '', 'host')) {
      list[i + 1] = authority
      found = true
    }
  }
  if (!found) list.push('Host', authority)
  head.host = authority
  head.hostCount = 1
  head.needsRewrite = true
}
