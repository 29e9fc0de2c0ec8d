/**
 * The web cache as phases of an exchange: `cache-lookup` answers a request from a usable stored
 * response (RESPOND) or lets it go on to the node, and `cache-store` copies a storable response
 * into the cache as it goes to the client. Compiled only for virtual servers with
 * `web_cache.enabled`.
 * @module
 */
import type { Exchange } from './exchange.ts'
import type { HttpService, WebCacheService } from '../snapshot/index.ts'
import { CacheCopy } from './cache-copy.ts'
import { cacheDirectives, fieldValue, type CacheDirectives } from './cache-control.ts'
import { cacheKey, currentAge, initialAge, storable, storedFields, variantOf, type StoredResponse } from './cache-policy.ts'
import { answerFromCache } from './cache-answer.ts'
import { invalidateAfterUnsafe } from './cache-invalidate.ts'
import { CONTINUE, RESPOND, type PhaseResult } from './phases.ts'
import type { RequestHead } from './request-head.ts'
import type { ResponseHead } from './response-head.ts'

/** Methods that never change anything on the node (RFC 9110 §9.2.1). */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE'])
/** Bytes an entry is counted for besides its body and fields (its record and key). */
const ENTRY_OVERHEAD = 256

/** What the lookup learnt about a request, for the store phase. */
export class CacheTicket {
  readonly key: string
  readonly requestWallMs: number
  readonly directives: CacheDirectives | null
  /** An unsafe method: a successful answer invalidates the URL. */
  readonly invalidates: boolean
  /** The stale entry found for this request, if any. */
  stale: StoredResponse | null = null

  constructor(key: string, requestWallMs: number, directives: CacheDirectives | null, invalidates: boolean) {
    this.key = key
    this.requestWallMs = requestWallMs
    this.directives = directives
    this.invalidates = invalidates
  }
}

/** The request's directives; `Pragma: no-cache` counts as no-cache when there is no Cache-Control (RFC 9111 §5.4). */
function requestDirectives(req: RequestHead): CacheDirectives {
  const d = cacheDirectives(req.headers)
  if (fieldValue(req.headers, 'cache-control') === null && /(^|,)\s*no-cache\s*(,|$)/i.test(fieldValue(req.headers, 'pragma') ?? '')) d.noCache = true
  return d
}

/** The stored variant of `key` whose Vary values match the request's, or null. */
function findVariant(cache: WebCacheService, key: string, req: RequestHead): StoredResponse | null {
  const variants = cache.store.variants(key) as readonly StoredResponse[] | null
  if (variants === null) return null
  for (const v of variants) if (variantOf(v.varyNames, req.headers) === v.variant) return v
  return null
}

export function cacheLookupPhase(ex: Exchange): PhaseResult {
  const svc = ex.svc as HttpService
  const cache = svc.cache
  const req = ex.req
  ex.cacheTicket = null
  if (cache === null || req === null) return CONTINUE
  const method = req.method
  if (method !== 'GET' && method !== 'HEAD') {
    if (SAFE_METHODS.has(method)) return CONTINUE
    const key = cacheKey(svc.name, req.host, req.target, cache)
    if (key !== null) ex.cacheTicket = new CacheTicket(key, 0, null, true)
    return CONTINUE
  }
  // A GET with a body is unusual enough to pass through untouched.
  if (req.isChunked || req.contentLength > 0) return CONTINUE
  const key = cacheKey(svc.name, req.host, req.target, cache)
  if (key === null) return CONTINUE
  const cc = requestDirectives(req)
  const ticket = new CacheTicket(key, ex.deps.clock.nowMs(), cc, false)
  ex.cacheTicket = ticket
  const found = cc.noCache ? null : findVariant(cache, key, req)
  if (found === null) {
    cache.counters.misses++
    return onlyIfCached(ex, cc)
  }
  const age = currentAge(found, ex.deps.clock.monoMs())
  if (isUsable(found, age, cc)) {
    cache.counters.hits++
    answerFromCache(ex, found, age)
    return RESPOND
  }
  cache.counters.staleHits++
  ticket.stale = found
  return onlyIfCached(ex, cc)
}

/** `only-if-cached` with nothing usable: 504 (RFC 9111 §5.2.1.7). */
function onlyIfCached(ex: Exchange, cc: CacheDirectives): PhaseResult {
  if (!cc.onlyIfCached) return CONTINUE
  ex.sendError(504, false)
  return RESPOND
}

/** Whether a stored response may answer a request with these directives without the node. */
function isUsable(entry: StoredResponse, age: number, cc: CacheDirectives): boolean {
  if (entry.noCache) return false
  if (cc.maxAge >= 0 && age > cc.maxAge) return false
  const left = entry.lifetimeS - age
  if (cc.minFresh >= 0 && left < cc.minFresh) return false
  if (left > 0) return true
  // A client may accept a stale answer, unless the node said it must be revalidated.
  return cc.maxStale >= 0 && !entry.mustRevalidate && -left <= cc.maxStale
}

export function cacheStorePhase(ex: Exchange, res: ResponseHead): PhaseResult {
  const ticket = ex.cacheTicket
  const svc = ex.svc as HttpService
  const cache = svc.cache
  const req = ex.req
  if (ticket === null || cache === null || req === null) return CONTINUE
  if (ticket.invalidates) {
    if (res.status >= 200 && res.status < 400) invalidateAfterUnsafe(svc.name, cache, req, res, ticket.key)
    return CONTINUE
  }
  if (req.method !== 'GET' || ticket.directives === null) return CONTINUE
  const nowWall = ex.deps.clock.nowMs()
  const s = storable(req, ticket.directives, res, cache, nowWall)
  if (s === null) return CONTINUE
  const maxBytes = cache.store.limits.maxEntryBytes
  // Too big to keep: streamed through as it is.
  if (res.contentLength > maxBytes) return CONTINUE
  if (cache.controlOut !== '') replaceField(res.headers, 'Cache-Control', cache.controlOut)
  const fields = storedFields(res)
  const headBytes = fields.reduce((n, f) => n + f.length, ENTRY_OVERHEAD + ticket.key.length)
  const status = res.status
  const reason = res.reason
  const variant = variantOf(s.varyNames, req.headers)
  const initialAgeS = initialAge(res.headers, ticket.requestWallMs, nowWall)
  const store = (body: Buffer): void => {
    const entry: StoredResponse = {
      variant,
      bytes: headBytes + body.length,
      status,
      reason,
      headers: fields,
      body,
      varyNames: s.varyNames,
      storedMono: ex.deps.clock.monoMs(),
      initialAgeS,
      lifetimeS: s.lifetimeS,
      etag: s.etag,
      lastModifiedMs: s.lastModifiedMs,
      noCache: s.directives.noCache,
      mustRevalidate: s.directives.mustRevalidate,
    }
    cache.store.put(svc.name, ticket.key, entry)
  }
  const copy = new CacheCopy(maxBytes - headBytes, res.contentLength, store)
  copy.inner = ex.transformBody(copy)
  return CONTINUE
}

/** Sets field `name` to `value`, replacing every line of it. */
export function replaceField(headers: string[], name: string, value: string): void {
  const lower = name.toLowerCase()
  for (let i = headers.length - 2; i >= 0; i -= 2) if ((headers[i] ?? '').toLowerCase() === lower) headers.splice(i, 2)
  headers.push(name, value)
}
