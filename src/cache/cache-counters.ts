/**
 * A virtual server's web cache statistics: what happened to lookups, and what it holds now.
 * @module
 */

export class CacheCounters {
  /** Requests answered from the cache without a node. */
  hits = 0
  /** Cacheable requests that found nothing usable and went to a node. */
  misses = 0
  /** Requests that found only a stale entry (revalidated with the node, or refetched). */
  staleHits = 0
  /** Stale entries a node confirmed with 304 Not Modified. */
  revalidations = 0
  /** Entries evicted to make room. */
  evictions = 0
  /** Entries stored now. */
  entries = 0
  /** Bytes stored now. */
  bytes = 0

  stored(entries: number, bytes: number): void {
    this.entries += entries
    this.bytes += bytes
  }

  /** Hits over lookups, 0 before any lookup. */
  get hitRatio(): number {
    const lookups = this.hits + this.misses + this.staleHits
    return lookups === 0 ? 0 : this.hits / lookups
  }
}
