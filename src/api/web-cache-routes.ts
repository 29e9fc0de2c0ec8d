/**
 * `/api/tm/<version>/status/local_tm/web_cache` (a Sluice extension): GET reads the web cache's
 * totals and limits; DELETE purges it: one URL, every URL under a prefix, or everything, for
 * one virtual server or all. Purging needs the admin role and is written to the audit log.
 * @module
 */
import { urlKey } from '../cache/index.ts'
import type { ApiContext, ApiRequest } from './api-context.ts'
import { apiError, json, type ApiReply } from './http-util.ts'

export async function handleWebCache(ctx: ApiContext, req: ApiRequest): Promise<ApiReply> {
  const cache = ctx.app.webCache
  if (cache === undefined) return apiError(404, 'resource.not_found', 'this process has no web cache')
  if (req.method === 'GET') {
    const l = cache.limits
    // Each worker keeps a copy of every entry: the totals are the fullest worker's.
    let entries = cache.entries
    let bytes = cache.bytes
    for (const capture of (await ctx.app.workers?.statistics()) ?? []) {
      let theirEntries = 0
      let theirBytes = 0
      for (const [, c] of capture.webCaches) {
        theirEntries += c['entries'] ?? 0
        theirBytes += c['bytes'] ?? 0
      }
      entries = Math.max(entries, theirEntries)
      bytes = Math.max(bytes, theirBytes)
    }
    return json(200, { statistics: { entries, bytes, size: l.sizeBytes, max_file_size: l.maxEntryBytes, max_file_num: l.maxEntries } })
  }
  if (req.method !== 'DELETE') return apiError(405, 'resource.method_not_allowed', `${req.method} is not allowed here: GET reads the web cache, DELETE purges it`)
  if (req.principal.role !== 'admin') return apiError(403, 'auth.forbidden', `user ${req.principal.user} may not purge the web cache (role readonly)`)
  const vs = req.query.get('virtual_server')
  if (vs !== null && ctx.app.snapshot?.config.virtualServers.has(vs) !== true) {
    return apiError(404, 'resource.not_found', `virtual_server "${vs}": no such virtual server`)
  }
  const url = req.query.get('url')
  const prefixParam = req.query.get('prefix') ?? 'false'
  if (prefixParam !== 'true' && prefixParam !== 'false') return apiError(400, 'request.invalid', `prefix: "${prefixParam}" is not true or false`)
  let key = ''
  let isPrefix = true
  if (url !== null) {
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      return apiError(400, 'request.invalid', `url: "${url}" is not an absolute URL (http://host/path)`)
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return apiError(400, 'request.invalid', `url: "${url}" is not an http or https URL`)
    isPrefix = prefixParam === 'true'
    const normalize = ctx.app.snapshot?.config.globalSettings.web_cache.normalize_query ?? true
    // A prefix is matched as written; one URL is keyed as a request for it would be.
    key = urlKey(parsed.host, parsed.pathname + parsed.search, normalize && !isPrefix)
  }
  // Every worker holds a copy of each entry: the entries that went are one worker's count.
  const purged = Math.max(cache.purge(vs, key, isPrefix), (await ctx.app.workers?.purgeCaches(vs, key, isPrefix)) ?? 0)
  await ctx.audit.record({
    user: req.principal.user,
    action: 'delete',
    objectType: 'web_cache',
    objectName: vs ?? '',
    before: { url: url ?? '', prefix: isPrefix, purged },
    after: null,
  })
  return json(200, { purged })
}
