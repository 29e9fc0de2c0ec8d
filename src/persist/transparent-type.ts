/**
 * `transparent` persistence: Sluice sets a cookie of its own that names the session's node in a
 * code clients cannot read or forge (an HMAC of the node under a secret held by the process), so
 * nothing is remembered and any node of the pool is found again from the cookie alone. A cookie
 * that names no node of the pool (forged, or from before a restart, which makes a new secret) is
 * a new session: the balancer picks and the cookie is set again.
 * @module
 */
import type { PersistenceType } from './persistence-type.ts'
import { cookieValue } from './cookies.ts'

/** The cookie's name for a class: fixed per class, so two classes never read each other's. */
export function transparentCookieName(className: string): string {
  let h = 2166136261
  for (let i = 0; i < className.length; i++) h = Math.imul(h ^ className.charCodeAt(i), 16777619) >>> 0
  return `X-Mapping-${h.toString(16).padStart(8, '0')}`
}

export const transparentType: PersistenceType = {
  name: 'transparent',
  usesTable: false,
  transparent: true,
  cacheSizeKey: null,
  cacheExpiryKey: null,
  keyOf: (input, settings) => (input.request === null ? null : (cookieValue(input.request.cookies(), settings.transparentCookie) ?? '')),
}
