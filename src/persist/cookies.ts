/**
 * Reading cookies for session persistence: one cookie's value from a request's Cookie fields,
 * and the name and value a Set-Cookie field sets. Only what persistence needs: names compared
 * exactly (RFC 6265 names are case-sensitive), values taken as sent (quotes kept).
 * @module
 */

/** The value of the first cookie named `name` (or whose name starts with `prefix`, when given) in `cookies`. */
export function cookieValue(cookies: string, name: string, prefix = false): string | null {
  if (cookies === '') return null
  let from = 0
  while (from < cookies.length) {
    let end = cookies.indexOf(';', from)
    if (end < 0) end = cookies.length
    const eq = cookies.indexOf('=', from)
    if (eq > from && eq < end) {
      const n = cookies.slice(from, eq).trim()
      if (prefix ? n.startsWith(name) : n === name) return cookies.slice(eq + 1, end).trim()
    }
    from = end + 1
  }
  return null
}

/** The cookie a Set-Cookie field value sets: [name, value], or null when it is malformed. */
export function setCookiePair(setCookie: string): readonly [string, string] | null {
  const end = setCookie.indexOf(';')
  const pair = end < 0 ? setCookie : setCookie.slice(0, end)
  const eq = pair.indexOf('=')
  if (eq <= 0) return null
  return [pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()]
}

/** True when a Set-Cookie field value deletes its cookie (an expiry in the past or Max-Age ≤ 0). */
export function deletesCookie(setCookie: string): boolean {
  return /;\s*max-age\s*=\s*(?:0|-\d+)\s*(?:;|$)/i.test(setCookie) || /;\s*expires\s*=\s*[^;]*19[0-6]\d/i.test(setCookie)
}
