/**
 * What the web cache may store and for how long (RFC 9111 §3, §4.2), and how its keys are made
 * (§4.1 plus vTM's `normalize_query`). Pure functions of heads and settings.
 * @module
 */
import { webCacheKey, type CacheEntry } from '../cache/index.ts'
import type { WebCacheService } from '../snapshot/index.ts'
import { cacheDirectives, fieldDate, fieldTokens, type CacheDirectives } from './cache-control.ts'
import { fieldValue } from './field-value.ts'
import type { RequestHead } from './request-head.ts'
import type { ResponseHead } from './response-head.ts'

/** A response kept in the cache. */
export interface StoredResponse extends CacheEntry {
  readonly status: number
  readonly reason: string
  /** The node's end-to-end fields (no framing, hop-by-hop or Age fields). */
  readonly headers: readonly string[]
  readonly body: Buffer
  /** Lower-cased names the response's Vary lists. */
  readonly varyNames: readonly string[]
  /** When it was stored (monotonic ms). */
  readonly storedMono: number
  /** Its age when stored, in seconds (RFC 9111 §4.2.3 corrected_initial_age). */
  readonly initialAgeS: number
  /** How long it is fresh, in seconds, counted like its age. */
  readonly lifetimeS: number
  readonly etag: string | null
  /** Last-Modified in ms since the epoch, NaN when absent. */
  readonly lastModifiedMs: number
  /** no-cache: never used without revalidation. */
  readonly noCache: boolean
  /** must-revalidate (or proxy-revalidate): never served stale. */
  readonly mustRevalidate: boolean
  /** When a request last went to the node to refresh it (refresh_time), monotonic ms. */
  refreshMono: number
}

/** Statuses a cache may give a heuristic lifetime (RFC 9110 §15.1 "heuristically cacheable"). */
const HEURISTIC = new Set([200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501])
/** The share of the time since Last-Modified a heuristic lifetime uses (RFC 9111 §4.2.2). */
const HEURISTIC_SHARE = 0.1
/** Statuses never stored: partial and not-modified answers describe another response. */
const NEVER_STORED = new Set([204, 206, 304])

/** Fields that describe a message's framing or connection, or are recomputed: never stored. */
const NOT_STORED_FIELDS = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'transfer-encoding', 'trailer', 'upgrade', 'content-length', 'age', 'proxy-authenticate'])

/** The key of `host` + `target` on this virtual server, or null when it is not cacheable (too long a path). */
export function cacheKey(svcName: string, host: string, target: string, cache: WebCacheService): string | null {
  if (target.length > cache.maxPathLength) return null
  // The virtual server, the host (absolute-form targets were made origin-form with their
  // authority as Host) and the target: one site's object is never another's.
  return webCacheKey(svcName, host, target, cache.normalizeQuery)
}

/** The request's values for `names`, as one comparable string (the stored variant). */
export function variantOf(names: readonly string[], reqHeaders: readonly string[]): string {
  if (names.length === 0) return ''
  let v = ''
  for (const name of names) {
    const value = fieldValue(reqHeaders, name)
    // Whitespace after commas is not significant (RFC 9111 §4.1).
    v += `${name}\u0000${value === null ? '\u0001' : value.replace(/\s*,\s*/g, ',')}\n`
  }
  return v
}

/** Facts about a response for storing it, or null when it must not be stored. */
export interface Storable {
  readonly lifetimeS: number
  readonly directives: CacheDirectives
  readonly varyNames: readonly string[]
  readonly etag: string | null
  readonly lastModifiedMs: number
}

/**
 * Whether `res` (to `req`, whose directives are `reqCc`) may be stored, and its freshness
 * lifetime in seconds (capped by max_time, or error_page_time for 4xx and 5xx).
 */
export function storable(req: RequestHead, reqCc: CacheDirectives, status: number, h: readonly string[], cache: WebCacheService, nowWallMs: number): Storable | null {
  if (status < 200 || NEVER_STORED.has(status) || reqCc.noStore) return null
  const cc = cacheDirectives(h)
  if (cc.noStore || cc.isPrivate) return null
  // Authorization: only what the node explicitly marked shareable (RFC 9111 §3.5).
  if (fieldValue(req.headers, 'authorization') !== null && !cc.isPublic && cc.sMaxAge < 0 && !cc.mustRevalidate) return null
  // Set-Cookie: a response that sets a cookie is for one client; it is never stored.
  if (fieldValue(h, 'set-cookie') !== null) return null
  const varyNames = fieldTokens(h, 'vary')
  if (varyNames.includes('*')) return null
  const etag = fieldValue(h, 'etag')
  const lastModifiedMs = fieldDate(h, 'last-modified')
  let lifetimeS = explicitLifetime(cc, h, nowWallMs)
  if (lifetimeS < 0 && (HEURISTIC.has(status) || cc.isPublic) && !Number.isNaN(lastModifiedMs)) {
    const dateMs = fieldDate(h, 'date')
    const since = (Number.isNaN(dateMs) ? nowWallMs : dateMs) - lastModifiedMs
    lifetimeS = since > 0 ? Math.floor((since / 1000) * HEURISTIC_SHARE) : 0
  }
  if (lifetimeS < 0 && !cc.noCache) return null
  const cap = status >= 400 ? cache.errorPageTimeS : cache.maxTimeS
  if (cap <= 0) return null
  lifetimeS = Math.min(Math.max(lifetimeS, 0), cap)
  // An entry that is never fresh is worth keeping only if it can be revalidated.
  if (lifetimeS === 0 && etag === null && Number.isNaN(lastModifiedMs)) return null
  return { lifetimeS, directives: cc, varyNames, etag, lastModifiedMs }
}

/** s-maxage, max-age, or Expires − Date (the time it arrived when it has no Date), in seconds; -1 when none is given. */
function explicitLifetime(cc: CacheDirectives, h: readonly string[], nowWallMs: number): number {
  if (cc.sMaxAge >= 0) return cc.sMaxAge
  if (cc.maxAge >= 0) return cc.maxAge
  if (fieldValue(h, 'expires') === null) return -1
  const expires = fieldDate(h, 'expires')
  // An invalid Expires (such as "0") means already expired (RFC 9111 §5.3).
  if (Number.isNaN(expires)) return 0
  const date = fieldDate(h, 'date')
  return Math.max(0, Math.floor((expires - (Number.isNaN(date) ? nowWallMs : date)) / 1000))
}

/** RFC 9111 §4.2.3: the response's age on arrival, in seconds. */
export function initialAge(h: readonly string[], requestWallMs: number, responseWallMs: number): number {
  const date = fieldDate(h, 'date')
  const apparent = Number.isNaN(date) ? 0 : Math.max(0, (responseWallMs - date) / 1000)
  const ageField = fieldValue(h, 'age')
  const ageValue = ageField !== null && /^\d+$/.test(ageField) ? Number(ageField) : 0
  const corrected = ageValue + Math.max(0, (responseWallMs - requestWallMs) / 1000)
  return Math.max(apparent, corrected)
}

/** The end-to-end fields of `res` to store (framing, hop-by-hop and Age fields left out). */
export function storedFields(res: ResponseHead): string[] {
  return endToEndFields(res.headers, res.connection ?? [], [])
}

/**
 * `h` without framing, hop-by-hop and Age fields (nor those `named` by Connection), added to
 * `out`.
 */
function endToEndFields(h: readonly string[], named: readonly string[], out: string[]): string[] {
  for (let i = 0; i < h.length; i += 2) {
    const name = (h[i] ?? '').toLowerCase()
    if (NOT_STORED_FIELDS.has(name) || named.includes(name)) continue
    out.push(h[i] ?? '', h[i + 1] ?? '')
  }
  return out
}

/**
 * The stored fields updated by a 304's (RFC 9111 §3.2): every field the 304 carries replaces the
 * stored one of that name; the rest are kept.
 */
export function refreshedFields(stored: readonly string[], res: ResponseHead): string[] {
  const fresh = endToEndFields(res.headers, res.connection ?? [], [])
  const replaced = new Set<string>()
  for (let i = 0; i < fresh.length; i += 2) replaced.add((fresh[i] ?? '').toLowerCase())
  // A 304 says nothing about the body: its framing fields never replace the stored ones.
  for (const name of ['content-length', 'content-encoding', 'content-type', 'content-range']) replaced.delete(name)
  const out: string[] = []
  for (let i = 0; i < stored.length; i += 2) if (!replaced.has((stored[i] ?? '').toLowerCase())) out.push(stored[i] ?? '', stored[i + 1] ?? '')
  for (let i = 0; i < fresh.length; i += 2) if (replaced.has((fresh[i] ?? '').toLowerCase())) out.push(fresh[i] ?? '', fresh[i + 1] ?? '')
  return out
}

/** The entry's current age in seconds (§4.2.3 current_age). */
export function currentAge(entry: StoredResponse, nowMono: number): number {
  return entry.initialAgeS + (nowMono - entry.storedMono) / 1000
}
