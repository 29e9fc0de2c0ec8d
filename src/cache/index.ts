/**
 * The web cache's store: responses kept in memory across snapshots, with LRU eviction and
 * per-virtual-server counters. The HTTP engine decides what to store and when to use it.
 * @module
 */
export { WebCache, type CacheEntry, type WebCacheLimits } from './web-cache.ts'
export { CacheCounters } from './cache-counters.ts'
export { Fills } from './fills.ts'
export { normalizedTarget, urlKey, webCacheKey } from './cache-key.ts'
