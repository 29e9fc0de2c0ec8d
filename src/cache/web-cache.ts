/**
 * The web cache's memory: stored responses by key, each key holding its variants (one per set
 * of request values the response's Vary names), evicted least recently used first when the
 * cache's byte size or entry count would be exceeded. It outlives snapshots (a reload keeps what
 * is cached); what is storable and when an entry may be used is the HTTP engine's business.
 * @module
 */
import { CacheCounters } from './cache-counters.ts'
import { Fills } from './fills.ts'

/** What the store needs to know of an entry. */
export interface CacheEntry {
  /** The request values of the response's Vary fields, joined; '' when it has no Vary. */
  readonly variant: string
  /** Bytes the entry holds (body and head), counted against the cache's size. */
  readonly bytes: number
}

/** The global `web_cache` limits. */
export interface WebCacheLimits {
  /** `size`: bytes for every stored entry together. */
  readonly sizeBytes: number
  /** `max_file_size`: the largest entry kept. */
  readonly maxEntryBytes: number
  /** `max_file_num`: most entries (variants count one each). */
  readonly maxEntries: number
}

/** One key's variants, and the virtual server that stored them. */
interface Slot<E extends CacheEntry> {
  readonly owner: string
  variants: E[]
  bytes: number
}

const DEFAULT_LIMITS: WebCacheLimits = Object.freeze({ sizeBytes: 64 * 1024 * 1024, maxEntryBytes: 1024 * 1024, maxEntries: 10000 })

export class WebCache<E extends CacheEntry = CacheEntry> {
  /** Map order is recency order: the first key is the least recently used. */
  readonly #slots = new Map<string, Slot<E>>()
  readonly #counters = new Map<string, CacheCounters>()
  /** Requests on their way to a node for a key, and those waiting for them. */
  readonly fills = new Fills()
  /**
   * With several workers: told of every entry stored and every key invalidated here, so the
   * other workers' caches hold the same (each worker keeps its own copy).
   */
  replicate: { put(owner: string, key: string, entry: E): void; invalidate(key: string): void } | null = null
  #limits: WebCacheLimits = DEFAULT_LIMITS
  #bytes = 0
  #entries = 0

  get limits(): WebCacheLimits {
    return this.#limits
  }

  /** Bytes stored now. */
  get bytes(): number {
    return this.#bytes
  }

  /** Entries (variants) stored now. */
  get entries(): number {
    return this.#entries
  }

  /** New limits (a reload): entries beyond them are evicted at once. */
  configure(limits: WebCacheLimits): void {
    this.#limits = limits
    this.#evict(0)
    for (const [key, slot] of this.#slots) {
      if (slot.variants.some((v) => v.bytes > limits.maxEntryBytes)) this.#drop(key, slot)
    }
  }

  /** The counters of one virtual server, made on first use and kept across reloads. */
  counters(owner: string): CacheCounters {
    let c = this.#counters.get(owner)
    if (c === undefined) {
      c = new CacheCounters()
      this.#counters.set(owner, c)
    }
    return c
  }

  /** Every virtual server's counters, by name. */
  allCounters(): ReadonlyMap<string, CacheCounters> {
    return this.#counters
  }

  /** The variants stored under `key` (marked as recently used), or null. */
  variants(key: string): readonly E[] | null {
    const slot = this.#slots.get(key)
    if (slot === undefined) return null
    this.#slots.delete(key)
    this.#slots.set(key, slot)
    return slot.variants
  }

  /** Stores `entry` under `key`, replacing the variant with the same request values; false when too big. */
  put(owner: string, key: string, entry: E): boolean {
    const stored = this.putCopy(owner, key, entry)
    if (stored) this.replicate?.put(owner, key, entry)
    return stored
  }

  /** Stores an entry another worker stored (not told back to the others). */
  putCopy(owner: string, key: string, entry: E): boolean {
    const limits = this.#limits
    if (entry.bytes > limits.maxEntryBytes || entry.bytes > limits.sizeBytes) return false
    let slot = this.#slots.get(key)
    if (slot !== undefined && slot.owner !== owner) {
      this.#drop(key, slot)
      slot = undefined
    }
    if (slot === undefined) {
      slot = { owner, variants: [], bytes: 0 }
    } else {
      this.#slots.delete(key)
      const at = slot.variants.findIndex((v) => v.variant === entry.variant)
      if (at >= 0) this.#remove(slot, at)
    }
    this.#evict(entry.bytes, 1)
    slot.variants.push(entry)
    slot.bytes += entry.bytes
    this.#slots.set(key, slot)
    this.#bytes += entry.bytes
    this.#entries++
    this.counters(owner).stored(1, entry.bytes)
    return true
  }

  /** Drops every variant of `key`, as another worker did (not told back). */
  invalidateCopy(key: string): void {
    const slot = this.#slots.get(key)
    if (slot !== undefined) this.#drop(key, slot)
  }

  /** Drops one variant (it was found unusable), or every variant of `key` when `entry` is null. */
  delete(key: string, entry: E | null = null): boolean {
    if (entry === null) this.replicate?.invalidate(key)
    const slot = this.#slots.get(key)
    if (slot === undefined) return false
    if (entry === null) {
      this.#drop(key, slot)
      return true
    }
    const at = slot.variants.indexOf(entry)
    if (at < 0) return false
    this.#remove(slot, at)
    if (slot.variants.length === 0) this.#slots.delete(key)
    return true
  }

  /**
   * Purges the entries `owner` stored (every owner's when null) whose URL key (urlKey: host and
   * target) is `url`, or starts with it when `isPrefix` ('' and a prefix: every entry); returns
   * how many entries went.
   */
  purge(owner: string | null, url: string, isPrefix: boolean): number {
    let n = 0
    for (const [key, slot] of this.#slots) {
      if (owner !== null && slot.owner !== owner) continue
      const rest = key.slice(slot.owner.length + 1)
      if (isPrefix ? rest.startsWith(url) : rest === url) {
        n += slot.variants.length
        this.#drop(key, slot)
      }
    }
    return n
  }

  #remove(slot: Slot<E>, at: number): void {
    const [gone] = slot.variants.splice(at, 1)
    if (gone === undefined) return
    slot.bytes -= gone.bytes
    this.#bytes -= gone.bytes
    this.#entries--
    this.counters(slot.owner).stored(-1, -gone.bytes)
  }

  #drop(key: string, slot: Slot<E>): void {
    this.#slots.delete(key)
    this.#bytes -= slot.bytes
    this.#entries -= slot.variants.length
    this.counters(slot.owner).stored(-slot.variants.length, -slot.bytes)
  }

  /** Evicts least recently used keys until `bytes` more and `entries` more fit. */
  #evict(bytes: number, entries = 0): void {
    const limits = this.#limits
    for (const [key, slot] of this.#slots) {
      if (this.#bytes + bytes <= limits.sizeBytes && this.#entries + entries <= limits.maxEntries) return
      this.#drop(key, slot)
      this.counters(slot.owner).evictions++
    }
  }
}
