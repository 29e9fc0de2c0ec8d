/**
 * RFC 9111 §4.4: a successful answer to an unsafe request (POST, PUT, DELETE, PATCH...)
 * invalidates what the cache holds for its URL, and for the URLs in its Location and
 * Content-Location fields when they are on the same host.
 * @module
 */
import type { WebCacheService } from '../snapshot/index.ts'
import { fieldValue } from './field-value.ts'
import { cacheKey } from './cache-policy.ts'
import type { RequestHead } from './request-head.ts'
import type { ResponseHead } from './response-head.ts'

export function invalidateAfterUnsafe(svcName: string, cache: WebCacheService, req: RequestHead, res: ResponseHead, key: string): void {
  cache.store.delete(key)
  for (const name of ['location', 'content-location']) {
    const value = fieldValue(res.headers, name)
    if (value === null) continue
    const target = sameHostTarget(value, req)
    if (target === null) continue
    const other = cacheKey(svcName, req.host, target, cache)
    if (other !== null) cache.store.delete(other)
  }
}

/** The origin-form target of a URI reference relative to the request, or null for another host. */
function sameHostTarget(ref: string, req: RequestHead): string | null {
  let url: URL
  try {
    url = new URL(ref, `http://${req.host === '' ? 'localhost' : req.host}${req.target}`)
  } catch {
    return null
  }
  if (url.host.toLowerCase() !== req.host.toLowerCase()) return null
  return url.pathname + url.search
}
