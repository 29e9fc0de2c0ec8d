/**
 * The HTTP side of cookie-based session persistence: the request's Cookie fields for the
 * persistence class to read, and on the node's response the Set-Cookie fields it learns from
 * and the transparent cookie it adds.
 * @module
 */
import type { PersistenceSession } from '../persist/index.ts'
import { equalsLower } from './syntax.ts'
import type { RequestHead } from './request-head.ts'
import type { ResponseHead } from './response-head.ts'

/** Every Cookie field line of `req` joined with `; ` (HTTP/2 clients send one per cookie). */
export function requestCookies(req: RequestHead | null): string {
  if (req === null) return ''
  const h = req.headers
  let out = ''
  for (let i = 0; i < h.length; i += 2) {
    if (!equalsLower(h[i] ?? '', 'cookie')) continue
    out = out === '' ? (h[i + 1] ?? '') : `${out}; ${h[i + 1] ?? ''}`
  }
  return out
}

/** Lets `session` see the response's Set-Cookie fields; true when it added its own cookie to `res`. */
export function persistResponse(session: PersistenceSession, res: ResponseHead): boolean {
  const h = res.headers
  const setCookies: string[] = []
  for (let i = 0; i < h.length; i += 2) if (equalsLower(h[i] ?? '', 'set-cookie')) setCookies.push(h[i + 1] ?? '')
  const mine = session.onResponse(setCookies)
  if (mine === null) return false
  h.push('Set-Cookie', mine)
  res.needsRewrite = true
  return true
}
