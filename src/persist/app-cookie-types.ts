/**
 * Persistence on the application's own session cookie: the node that set the cookie keeps the
 * session. Sluice learns each session value from the node's Set-Cookie and sends later requests
 * carrying that value to the same node.
 * - `cookie`: the cookie named by `basic.cookie`;
 * - `asp`: ASP.NET's `ASP.NET_SessionId`, or classic ASP's `ASPSESSIONID…`;
 * - `j2ee`: `JSESSIONID`, also carried in the path as `;jsessionid=` when cookies are off.
 * @module
 */
import { cookieValue, deletesCookie, setCookiePair } from './cookies.ts'
import type { PersistenceType, PersistenceTypeSettings } from './persistence-type.ts'

/** The session key a Set-Cookie value starts when `matches` its name, or null. */
function learned(setCookie: string, matches: (name: string) => boolean): string | null {
  const pair = setCookiePair(setCookie)
  if (pair === null || !matches(pair[0]) || pair[1] === '' || deletesCookie(setCookie)) return null
  return pair[1]
}

export const cookieType: PersistenceType = {
  name: 'cookie',
  usesTable: true,
  cacheSizeKey: null,
  cacheExpiryKey: null,
  keyOf: (input, settings) => (settings.cookie === '' || input.request === null ? null : (cookieValue(input.request.cookies(), settings.cookie) ?? '')),
  keyFromSetCookie: (setCookie: string, settings: PersistenceTypeSettings) => learned(setCookie, (name) => name === settings.cookie),
}

const ASP_NET = 'ASP.NET_SessionId'
const CLASSIC_ASP = 'ASPSESSIONID'

export const aspType: PersistenceType = {
  name: 'asp',
  usesTable: true,
  cacheSizeKey: 'asp_cache_size',
  cacheExpiryKey: null,
  keyOf: (input) => {
    if (input.request === null) return null
    const cookies = input.request.cookies()
    return cookieValue(cookies, ASP_NET) ?? cookieValue(cookies, CLASSIC_ASP, true) ?? ''
  },
  keyFromSetCookie: (setCookie: string) => learned(setCookie, (name) => name === ASP_NET || name.startsWith(CLASSIC_ASP)),
}

const J2EE = 'JSESSIONID'

/** The `;jsessionid=` path parameter of a request target, or null. */
function pathSession(target: string): string | null {
  const at = target.toLowerCase().indexOf(';jsessionid=')
  if (at < 0) return null
  const start = at + ';jsessionid='.length
  let end = start
  while (end < target.length && !'?#;/'.includes(target[end] ?? '')) end++
  return end > start ? target.slice(start, end) : null
}

export const j2eeType: PersistenceType = {
  name: 'j2ee',
  usesTable: true,
  cacheSizeKey: 'j2ee_cache_size',
  cacheExpiryKey: 'j2ee_cache_expiry',
  keyOf: (input) => (input.request === null ? null : (cookieValue(input.request.cookies(), J2EE) ?? pathSession(input.request.target) ?? '')),
  keyFromSetCookie: (setCookie: string) => learned(setCookie, (name) => name === J2EE),
}
