/**
 * The web cache settings of a virtual server (section `web_cache`) and the global limits
 * (global `web_cache`), built once per snapshot. The store itself (cache/) outlives snapshots.
 * @module
 */
import { totalmem } from 'node:os'
import type { Diagnostic, GlobalSettingsProperties, VirtualServerProperties } from '../config/index.ts'
import type { CacheCounters, WebCache, WebCacheLimits } from '../cache/index.ts'

/** What the HTTP engine's cache phases read for one virtual server. */
export interface WebCacheService {
  readonly store: WebCache
  readonly counters: CacheCounters
  /** `max_time` in seconds: no entry is fresh for longer. */
  readonly maxTimeS: number
  /** `error_page_time` in seconds: the longest a 4xx/5xx response is fresh (0: never stored). */
  readonly errorPageTimeS: number
  /** `refresh_time` in seconds. */
  readonly refreshTimeS: number
  /** `control_out`: the Cache-Control sent with cached responses; '' keeps the node's. */
  readonly controlOut: string
  /** Global `max_path_length`: longer paths (with query) are not cached. */
  readonly maxPathLength: number
  /** Global `normalize_query`: query parameters are sorted in the key. */
  readonly normalizeQuery: boolean
  /** Global `max_byte_range_segments`: most ranges one request may ask for (more get 416). */
  readonly maxRanges: number
}

/** Ranges allowed when `max_byte_range_segments` is 0: Sluice's own bound on one request's work. */
export const DEFAULT_MAX_RANGES = 16

const SIZE = /^\s*(\d+(?:\.\d+)?)\s*(%|B|KB|MB|GB)?\s*$/i
const UNITS: Readonly<Record<string, number>> = { '': 1, B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 }

/** Bytes for a size (`200MB`) or a percentage of `whole` (`20%`); null when unreadable. */
function parseSize(text: string, whole: number): number | null {
  const m = SIZE.exec(text)
  if (m === null) return null
  const n = Number(m[1])
  const unit = (m[2] ?? '').toUpperCase()
  if (unit === '%') return n > 100 ? null : Math.floor((whole * n) / 100)
  return Math.floor(n * (UNITS[unit] ?? 1))
}

/** The global limits; a value that cannot be read is a problem naming its key. */
export function webCacheLimits(g: GlobalSettingsProperties, problems: Diagnostic[], memBytes = totalmem()): WebCacheLimits {
  const w = g.web_cache
  const problem = (key: string, value: string): void => {
    problems.push({ objectType: 'global_settings', objectName: '', key, reason: `"${value}" is not a size: use a percentage (20%) or bytes with an optional unit (200MB)` })
  }
  let sizeBytes = parseSize(w.size, memBytes)
  if (sizeBytes === null) {
    problem('web_cache.size', w.size)
    sizeBytes = 0
  }
  let maxEntryBytes = parseSize(w.max_file_size, sizeBytes)
  if (maxEntryBytes === null) {
    problem('web_cache.max_file_size', w.max_file_size)
    maxEntryBytes = 0
  }
  return Object.freeze({ sizeBytes, maxEntryBytes: Math.min(maxEntryBytes, sizeBytes), maxEntries: w.max_file_num })
}

/** A virtual server's cache settings, or null when its cache is off (no phase is compiled). */
export function webCacheService(name: string, vs: VirtualServerProperties, g: GlobalSettingsProperties, store: WebCache): WebCacheService | null {
  const c = vs.web_cache
  if (!c.enabled) return null
  return Object.freeze({
    store,
    counters: store.counters(name),
    maxTimeS: c.max_time,
    errorPageTimeS: c.error_page_time,
    refreshTimeS: c.refresh_time,
    controlOut: c.control_out.trim(),
    maxPathLength: g.web_cache.max_path_length,
    normalizeQuery: g.web_cache.normalize_query,
    maxRanges: g.web_cache.max_byte_range_segments > 0 ? g.web_cache.max_byte_range_segments : DEFAULT_MAX_RANGES,
  })
}
