/**
 * The HTTP side of cookie-based session persistence: the request's Cookie fields for the
 * persistence class to read, and on the node's response the Set-Cookie fields it learns from
 * and the transparent cookie it adds.
 * @module
 */
import type { PersistenceRequest, PersistenceSession } from '../persist/index.ts'
import { fieldValue } from './field-value.ts'
import { equalsLower } from './syntax.ts'
import type { RequestHead } from './request-head.ts'
import type { ResponseHead } from './response-head.ts'

/** An exchange's request as persistence classes read it; one per exchange, pointed at each request. */
export class PersistenceRequestView implements PersistenceRequest {
  req: RequestHead | null = null

  get target(): string {
    return this.req?.target ?? ''
  }

  /** Every Cookie field line joined with `; ` (HTTP/2 clients send one per cookie). */
  cookies(): string {
    const h = this.req?.headers ?? []
    let out = ''
    for (let i = 0; i < h.length; i += 2) {
      if (!equalsLower(h[i] ?? '', 'cookie')) continue
      out = out === '' ? (h[i + 1] ?? '') : `${out}; ${h[i + 1] ?? ''}`
    }
    return out
  }

  field(lower: string): string | null {
    return fieldValue(this.req?.headers ?? [], lower)
  }
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
