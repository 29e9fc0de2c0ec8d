/**
 * The web cache's `cache-lookup` phase: answers a request from a usable stored response
 * (RESPOND), or lets it go on to the node, asking the node to revalidate a stale entry it has
 * validators for. Compiled only for virtual servers with `web_cache.enabled`; the
 * `cache-store` phase (cache-store.ts) reads the ticket it leaves on the exchange.
 * @module
 */
import type { Exchange } from './exchange.ts'
import type { HttpService, WebCacheService } from '../snapshot/index.ts'
import { cacheDirectives, type CacheDirectives } from './cache-control.ts'
import { fieldValue } from './field-value.ts'
import { cacheKey, currentAge, variantOf, type StoredResponse } from './cache-policy.ts'
import { answerFromCache } from './cache-answer.ts'
import { CONTINUE, RESPOND, WAIT, type PhaseResult } from './phases.ts'
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
  /** This request fills its key for others that wait (it must end the fill). */
  fills = false

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
  // A GET with a body is unusual enough to pass through untouched; a rule may turn it off.
  if (req.isChunked || req.contentLength > 0) return CONTINUE
  const settings = ex.rules?.decision.settings
  if (settings?.get('http.cache') === 'disable') return CONTINUE
  const extra = settings?.get('http.cache.setkey')
  const key = ruledKey(svc, req, typeof extra === 'string' ? extra : '')
  if (key === null) return CONTINUE
  const cc = requestDirectives(req)
  const ticket = new CacheTicket(key, ex.deps.clock.nowMs(), cc, false)
  ex.cacheTicket = ticket
  return lookUp(ex, cache, req, ticket, cc, true)
}

/** The request's key, with the part a rule added with http.cache.setkey. */
function ruledKey(svc: HttpService, req: RequestHead, extra: string): string | null {
  const cache = svc.cache
  const key = cache === null ? null : cacheKey(svc.name, req.host, req.target, cache)
  return key === null || extra === '' ? key : `${key}\u0000${extra}`
}

/** http.cache.exists: whether a usable entry answers `req` (with a rule's extra key part) now. */
export function isCachedFor(svc: HttpService, req: RequestHead, extraKey: string, nowMono: number): boolean {
  const cache = svc.cache
  if (cache === null || (req.method !== 'GET' && req.method !== 'HEAD')) return false
  const key = ruledKey(svc, req, extraKey)
  const found = key === null ? null : findVariant(cache, key, req)
  return found !== null && isUsable(found, currentAge(found, nowMono), requestDirectives(req))
}

/** The longest a request waits for another's fill of its key: the idle timeout, at most 10 s. */
const MAX_COLLAPSE_WAIT_MS = 10_000

function collapseWaitMs(ex: Exchange): number {
  const idle = ex.svc?.idleTimeoutMs ?? 0
  return idle > 0 ? Math.min(idle, MAX_COLLAPSE_WAIT_MS) : MAX_COLLAPSE_WAIT_MS
}

/**
 * Answers from the cache, or lets the request go on to the node. A GET that finds nothing
 * usable while another request for its key is on its way to a node waits for that one
 * (`mayWait`), then looks again.
 */
function lookUp(ex: Exchange, cache: WebCacheService, req: RequestHead, ticket: CacheTicket, cc: CacheDirectives, mayWait: boolean): PhaseResult {
  const nowMono = ex.deps.clock.monoMs()
  const found = cc.noCache ? null : findVariant(cache, ticket.key, req)
  const age = found === null ? 0 : currentAge(found, nowMono)
  if (found !== null && isUsable(found, age, cc)) {
    if (!isRefreshDue(found, age, cache, nowMono)) {
      cache.counters.hits++
      answerFromCache(ex, found, age)
      return RESPOND
    }
    // refresh_time: this one request refreshes an entry about to expire; others use it meanwhile.
    cache.counters.staleHits++
    ticket.stale = found
    addValidators(ticket, req, found)
    return CONTINUE
  }
  if (cc.onlyIfCached) {
    ex.sendError(504, false)
    return RESPOND
  }
  const fills = cache.store.fills
  const waitMs = collapseWaitMs(ex)
  if (req.method === 'GET' && !cc.noCache) {
    if (mayWait && fills.isFilling(ticket.key, nowMono, waitMs)) return waitForFill(ex, cache, req, ticket, cc, waitMs)
    // The fill ends when its answer is stored or refused; if its exchange ends first (an error
    // page, the client left), the waiters notice when they next look.
    fills.begin(ticket.key, nowMono, waitMs, () => ex.cacheTicket === ticket && ex.state !== 'idle')
    ticket.fills = true
  }
  if (found === null) cache.counters.misses++
  else {
    cache.counters.staleHits++
    ticket.stale = found
    addValidators(ticket, req, found)
  }
  return CONTINUE
}

/** Waits (bounded) for the fill in flight for the ticket's key, then looks again. */
function waitForFill(ex: Exchange, cache: WebCacheService, req: RequestHead, ticket: CacheTicket, cc: CacheDirectives, waitMs: number): PhaseResult {
  const fills = cache.store.fills
  let timer: NodeJS.Timeout | null = null
  const resume = (): void => {
    if (timer !== null) clearTimeout(timer)
    timer = null
    // The client may have left, or the connection moved on, while this request waited.
    if (ex.state !== 'request-phases' || ex.req !== req) return
    if (lookUp(ex, cache, req, ticket, cc, false) === CONTINUE) ex.resumePhases()
  }
  fills.wait(ticket.key, resume)
  const until = ex.deps.clock.monoMs() + waitMs
  const check = (): void => {
    timer = null
    const now = ex.deps.clock.monoMs()
    // A fill whose request is gone releases its waiters (resume runs, and stops the checks).
    if (!fills.isFilling(ticket.key, now, waitMs)) return
    if (now < until) {
      timer = setTimeout(check, FILL_CHECK_MS)
      return
    }
    fills.forget(ticket.key, resume)
    resume()
  }
  timer = setTimeout(check, FILL_CHECK_MS)
  return WAIT
}

/** How often a waiting request checks that the request it waits for is still going. */
const FILL_CHECK_MS = 100

/** refresh_time: within it of expiry, one request a second goes to the node to refresh the entry. */
function isRefreshDue(entry: StoredResponse, age: number, cache: WebCacheService, nowMono: number): boolean {
  if (cache.refreshTimeS <= 0 || entry.lifetimeS - age > cache.refreshTimeS || nowMono - entry.refreshMono < REFRESH_INTERVAL_MS) return false
  entry.refreshMono = nowMono
  return true
}

/** At most one refreshing request a second per entry (vTM). */
const REFRESH_INTERVAL_MS = 1000

/**
 * Asks the node whether a stale entry is still good (RFC 9111 §4.3.1), unless the client sent
 * validators of its own (its answer then goes to it as the node gives it).
 */
function addValidators(ticket: CacheTicket, req: RequestHead, entry: StoredResponse): void {
  const h = req.headers
  // Only a GET's 304 can refresh the entry; a HEAD goes as the client sent it.
  if (req.method !== 'GET') return
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

