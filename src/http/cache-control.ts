/**
 * Cache-Control directives (RFC 9111 §5.2) as the web cache reads them, from requests and
 * responses, and the header-list helpers the cache phases share.
 * @module
 */
import { listTokensLower } from './syntax.ts'
import { fieldValue } from './field-value.ts'

/** The directives the cache acts on; -1 for an absent delta-seconds value. */
export interface CacheDirectives {
  noStore: boolean
  noCache: boolean
  isPrivate: boolean
  isPublic: boolean
  mustRevalidate: boolean
  noTransform: boolean
  onlyIfCached: boolean
  maxAge: number
  sMaxAge: number
  /** max-stale without a value accepts any staleness (Infinity). */
  maxStale: number
  minFresh: number
}


/** The lower-cased tokens of a list field (Vary, Connection), or an empty list. */
export function fieldTokens(headers: readonly string[], lowerName: string): string[] {
  const v = fieldValue(headers, lowerName)
  return v === null ? [] : listTokensLower(v)
}

/** An HTTP date in ms since the epoch; NaN when absent or unreadable. */
export function fieldDate(headers: readonly string[], lowerName: string): number {
  const v = fieldValue(headers, lowerName)
  // Only one date is meaningful: a repeated field (more than the one comma a date may hold) is
  // read as invalid.
  if (v === null || v.length > 40 || v.indexOf(',') !== v.lastIndexOf(',')) return NaN
  return Date.parse(v)
}

/** delta-seconds: digits only; anything else counts as 0 (RFC 9111 §1.2.2: treat as stale). */
function deltaSeconds(arg: string | null): number {
  if (arg === null || !/^\d+$/.test(arg)) return 0
  // Too large a value means "a very long time" (§1.2.2).
  return Math.min(Number(arg), 2 ** 31)
}

/** Splits a Cache-Control value into directives, keeping commas inside quoted arguments. */
function eachDirective(value: string, fn: (name: string, arg: string | null) => void): void {
  let i = 0
  const n = value.length
  while (i < n) {
    let j = i
    let quoted = false
    while (j < n) {
      const c = value.charCodeAt(j)
      if (c === 0x22) quoted = !quoted
      else if (c === 0x5c && quoted) j++
      else if (c === 0x2c && !quoted) break
      j++
    }
    const part = value.slice(i, j).trim()
    i = j + 1
    if (part === '') continue
    const eq = part.indexOf('=')
    if (eq < 0) fn(part.toLowerCase(), null)
    else {
      let arg = part.slice(eq + 1).trim()
      if (arg.length >= 2 && arg.startsWith('"') && arg.endsWith('"')) arg = arg.slice(1, -1)
      fn(part.slice(0, eq).trim().toLowerCase(), arg)
    }
  }
}

/** The directives of the Cache-Control fields of `headers`. */
export function cacheDirectives(headers: readonly string[]): CacheDirectives {
  const d: CacheDirectives = {
    noStore: false,
    noCache: false,
    isPrivate: false,
    isPublic: false,
    mustRevalidate: false,
    noTransform: false,
    onlyIfCached: false,
    maxAge: -1,
    sMaxAge: -1,
    maxStale: -1,
    minFresh: -1,
  }
  const value = fieldValue(headers, 'cache-control')
  if (value === null) return d
  eachDirective(value, (name, arg) => {
    switch (name) {
      case 'no-store':
        d.noStore = true
        break
      // A qualified no-cache or private (naming fields) is read as the unqualified one: the
      // stricter reading, never wrong for a shared cache.
      case 'no-cache':
        d.noCache = true
        break
      case 'private':
        d.isPrivate = true
        break
      case 'public':
        d.isPublic = true
        break
      case 'must-revalidate':
      case 'proxy-revalidate':
        d.mustRevalidate = true
        break
      case 'no-transform':
        d.noTransform = true
        break
      case 'only-if-cached':
        d.onlyIfCached = true
        break
      // When a directive repeats, its first value counts.
      case 'max-age':
        if (d.maxAge < 0) d.maxAge = deltaSeconds(arg)
        break
      case 's-maxage':
        if (d.sMaxAge < 0) d.sMaxAge = deltaSeconds(arg)
        break
      case 'max-stale':
        if (d.maxStale < 0) d.maxStale = arg === null ? Infinity : deltaSeconds(arg)
        break
      case 'min-fresh':
        if (d.minFresh < 0) d.minFresh = deltaSeconds(arg)
        break
      default:
        break
    }
  })
  return d
}

/** Sets field `name` to `value`, replacing every line of it. */
export function replaceField(headers: string[], name: string, value: string): void {
  const lower = name.toLowerCase()
  for (let i = headers.length - 2; i >= 0; i -= 2) if ((headers[i] ?? '').toLowerCase() === lower) headers.splice(i, 2)
  headers.push(name, value)
}
