/**
 * The web cache's `cache-store` phase: copies a storable response into the cache as it goes to
 * the client (a CacheCopy body transform), refreshes a stale entry the node confirmed with 304,
 * and invalidates after a successful unsafe request.
 * @module
 */
import type { Exchange } from './exchange.ts'
import type { HttpService, WebCacheService } from '../snapshot/index.ts'
import { answerFromCache } from './cache-answer.ts'
import { CacheCopy } from './cache-copy.ts'
import { replaceField, type CacheDirectives } from './cache-control.ts'
import { invalidateAfterUnsafe } from './cache-invalidate.ts'
import type { CacheTicket } from './cache-lookup.ts'
import { initialAge, refreshedFields, storable, storedFields, variantOf, type Storable, type StoredResponse } from './cache-policy.ts'
import { BODY_UNTIL_CLOSE } from './message-body.ts'
import { CONTINUE, RESPOND, type PhaseResult } from './phases.ts'
import type { RequestHead } from './request-head.ts'
import type { ResponseHead } from './response-head.ts'

/** Bytes an entry is counted for besides its body and fields (its record and key). */
const ENTRY_OVERHEAD = 256

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
  const isDisabled = ex.rules?.decision.settings.get('http.cache') === 'disable'
  const nowWall = ex.deps.clock.nowMs()
  if (res.status === 304 && ticket.revalidates && ticket.stale !== null) {
    // The client sent no validators: it gets the whole response even when a rule said not to store.
    const result = refresh(ex, cache, ticket, ticket.directives, res, nowWall, !isDisabled)
    endFill(cache, ticket)
    return result
  }
  if (isDisabled) {
    // http.cache.disable() in a response rule: this response is not stored.
    endFill(cache, ticket)
    return CONTINUE
  }
  const s = storable(req, ticket.directives, res.status, res.headers, cache, nowWall)
  const maxBytes = cache.store.limits.maxEntryBytes
  // Not storable, too big to keep (streamed through as it is), or ended by the node closing
  // (a cut body would look whole): whoever waits goes to the node.
  if (s === null || res.contentLength > maxBytes || ex.leg.relay.body.framing === BODY_UNTIL_CLOSE) {
    endFill(cache, ticket)
    return CONTINUE
  }
  if (cache.controlOut !== '') replaceField(res.headers, 'Cache-Control', cache.controlOut)
  const fields = storedFields(res)
  const headBytes = headBytesOf(fields, ticket)
  const initialAgeS = initialAge(res.headers, ticket.requestWallMs, nowWall)
  const store = (body: Buffer | null): void => {
    if (body !== null) cache.store.put(svc.name, ticket.key, storedResponse(res.status, res.reason, fields, body, s, req, ticket, initialAgeS, ex.deps.clock.monoMs()))
    endFill(cache, ticket)
  }
  const copy = new CacheCopy(maxBytes - headBytes, res.contentLength, store)
  copy.inner = ex.transformed.wrap(copy)
  return CONTINUE
}

/** Lets the requests waiting for this one's answer look again. */
function endFill(cache: WebCacheService, ticket: CacheTicket): void {
  if (!ticket.fills) return
  ticket.fills = false
  cache.store.fills.end(ticket.key)
}

function headBytesOf(fields: readonly string[], ticket: CacheTicket): number {
  return fields.reduce((n, f) => n + f.length, ENTRY_OVERHEAD + ticket.key.length)
}

function storedResponse(
  status: number,
  reason: string,
  fields: readonly string[],
  body: Buffer,
  s: Storable,
  req: RequestHead,
  ticket: CacheTicket,
  initialAgeS: number,
  nowMono: number,
): StoredResponse {
  return {
    variant: variantOf(s.varyNames, req.headers),
    bytes: headBytesOf(fields, ticket) + body.length,
    status,
    reason,
    headers: fields,
    body,
    varyNames: s.varyNames,
    storedMono: nowMono,
    initialAgeS,
    lifetimeS: s.lifetimeS,
    etag: s.etag,
    lastModifiedMs: s.lastModifiedMs,
    noCache: s.directives.noCache,
    mustRevalidate: s.directives.mustRevalidate,
    // Storing it counts as a refresh: the next may go to the node a second later.
    refreshMono: nowMono,
  }
}

/**
 * The node confirmed a stale entry (304 to the validators the lookup added): the entry takes the
 * 304's fields and a new age and lifetime, and answers the client. The node connection is not
 * reused (its 304 is not relayed), which costs a connection per revalidation only.
 */
function refresh(ex: Exchange, cache: WebCacheService, ticket: CacheTicket, cc: CacheDirectives, res: ResponseHead, nowWall: number, keep: boolean): PhaseResult {
  const stale = ticket.stale as StoredResponse
  const req = ex.req as RequestHead
  const svc = ex.svc as HttpService
  const fields = refreshedFields(stale.headers, res)
  const s = storable(req, cc, stale.status, fields, cache, nowWall)
  ex.leg.close()
  ex.dialer.release()
  cache.counters.revalidations++
  // The validators were Sluice's, not the client's: the client gets the whole response.
  req.headers.length -= 2 * ticket.addedFields
  const nowMono = ex.deps.clock.monoMs()
  const age = initialAge(res.headers, ticket.requestWallMs, nowWall)
  if (s === null || !keep) {
    // The refreshed fields forbid storing it (no-store now, say): answer once, keep nothing.
    if (s === null) cache.store.delete(ticket.key, stale)
    answerFromCache(ex, { ...stale, headers: fields }, age)
    return RESPOND
  }
  const entry = storedResponse(stale.status, stale.reason, fields, stale.body, s, req, ticket, age, nowMono)
  cache.store.put(svc.name, ticket.key, entry)
  answerFromCache(ex, entry, age)
  return RESPOND
}
