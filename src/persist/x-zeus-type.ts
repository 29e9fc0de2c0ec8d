/**
 * `x_zeus` persistence: the session's node is named in plain text, `host:port`, in an
 * `X-Zeus-Backend` cookie, or by an `X-Zeus-Backend-Server` request field (set by a front end
 * or a client that knows its node). Nothing is remembered. Sluice sets the cookie itself on a
 * response whose request named no node, or another node than the one that answered, so an
 * application need not know about it; an application that sets the cookie itself also works.
 * @module
 */
import { cookieValue } from './cookies.ts'
import type { PersistenceType } from './persistence-type.ts'

export const X_ZEUS_COOKIE = 'X-Zeus-Backend'

export const xZeusType: PersistenceType = {
  name: 'x_zeus',
  usesTable: false,
  namesNodeInCookie: X_ZEUS_COOKIE,
  cacheSizeKey: null,
  cacheExpiryKey: null,
  keyOf: (input) => {
    if (input.request === null) return null
    const v = cookieValue(input.request.cookies(), X_ZEUS_COOKIE) ?? input.request.field('x-zeus-backend-server') ?? ''
    return v.replace(/^"|"$/g, '').trim()
  },
}
