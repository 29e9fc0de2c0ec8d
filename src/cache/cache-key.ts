/**
 * Web cache keys: the virtual server, the lower-cased host and the request target, with the
 * query's parameters sorted when `normalize_query` is on. The HTTP engine keys requests with
 * it and the REST API keys purges with it, so both always agree.
 * @module
 */

/** The target with its query parameters in lexical order. */
export function normalizedTarget(target: string): string {
  const q = target.indexOf('?')
  if (q < 0) return target
  const params = target.slice(q + 1).split('&')
  params.sort()
  return `${target.slice(0, q)}?${params.join('&')}`
}

/** The part of a key after its owner: host and target. */
export function urlKey(host: string, target: string, normalizeQuery: boolean): string {
  return `${host.toLowerCase()}\n${normalizeQuery ? normalizedTarget(target) : target}`
}

/** The whole key of `host` + `target` on virtual server `owner`. */
export function webCacheKey(owner: string, host: string, target: string, normalizeQuery: boolean): string {
  return `${owner}\n${urlKey(host, target, normalizeQuery)}`
}
