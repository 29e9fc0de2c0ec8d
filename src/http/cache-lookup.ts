/**
 * The web cache's `cache-lookup` phase: answers a request from a usable stored response
 * (RESPOND), or lets it go on to the node, asking the node to revalidate a stale entry it has
 * validators for. Compiled only for virtual servers with `web_cache.enabled`; the
 * `cache-store` phase (cache-store.ts) reads the ticket it leaves on the exchange.
 * @module
 */
import type { Exchange } from './exchange.ts'
import type { HttpService, WebCacheService } from '../snapshot/index.ts'
import { cacheDirectives, fieldValue, type CacheDirectives } from './cache-control.ts'
import { cacheKey, currentAge, variantOf, type StoredResponse } from './cache-policy.ts'
import { answerFromCache } from './cache-answer.ts'
import { CONTINUE, RESPOND, type PhaseResult } from './phases.ts'
import type { RequestHead } from './request-head.ts'

/** Methods that never change anything on the node (RFC 9110 §9.2.1). */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE'])

/** What the lookup learnt about a request, for the store phase. */
export class CacheTicket {
  readonly key: string
  readonly requestWallMs: number
  readonly directives: CacheDirectives | null
  /** An unsafe method: a successful answer invalidates the URL. */
  readonly invalidates: boolean
  /** The stale entry found for this request, if any. */
  stale: StoredResponse | null = null
  /** The request went to the node with the stale entry's validators (a 304 refreshes it). */
  revalidates = false
  /** Fields (name, value pairs) the lookup added to the end of the request's header list. */
  addedFields = 0

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
  if (!cc.onlyIfCached) addValidators(ticket, req, found)
  return onlyIfCached(ex, cc)
}

/**
 * Asks the node whether a stale entry is still good (RFC 9111 §4.3.1), unless the client sent
 * validators of its own (its answer then goes to it as the node gives it).
 */
function addValidators(ticket: CacheTicket, req: RequestHead, entry: StoredResponse): void {
  const h = req.headers
  if (fieldValue(h, 'if-none-match') !== null || fieldValue(h, 'if-modified-since') !== null) return
  const lastModified = fieldValue(entry.headers, 'last-modified')
  if (entry.etag === null && lastModified === null) return
  const before = h.length
  if (entry.etag !== null) h.push('If-None-Match', entry.etag)
  if (lastModified !== null) h.push('If-Modified-Since', lastModified)
  ticket.addedFields = (h.length - before) / 2
  req.needsRewrite = true
  ticket.revalidates = true
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

