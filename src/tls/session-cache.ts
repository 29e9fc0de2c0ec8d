/**
 * Runtime TLS state that outlives snapshots: the server session cache (session IDs) and the
 * session-ticket keys, so a configuration reload does not force every client into a full
 * handshake.
 * @module
 */
import { createHmac, randomBytes } from 'node:crypto'
import type { Clock } from '../core/index.ts'

interface CachedSession {
  readonly data: Buffer
  readonly expiresMs: number
}

/** A bounded session-ID cache; the oldest entry goes first when it is full. */
export class TlsSessionCache {
  readonly #sessions = new Map<string, CachedSession>()
  readonly #clock: Clock
  #maxEntries: number
  #lifetimeMs: number
  /** With several workers: told of every session stored here (id in hex), for the others. */
  onStore: ((id: string, data: Buffer) => void) | null = null

  constructor(clock: Clock, maxEntries: number, lifetimeMs: number) {
    this.#clock = clock
    this.#maxEntries = maxEntries
    this.#lifetimeMs = lifetimeMs
  }

  /** Applies new limits from a reloaded configuration. */
  resize(maxEntries: number, lifetimeMs: number): void {
    this.#maxEntries = maxEntries
    this.#lifetimeMs = lifetimeMs
    this.#trim()
  }

  get size(): number {
    return this.#sessions.size
  }

  store(id: Buffer, data: Buffer): void {
    if (this.#maxEntries <= 0) return
    const key = id.toString('hex')
    this.storeCopy(key, data)
    this.onStore?.(key, data)
  }

  /** A session another worker stored (`id` in hex); not told back to the others. */
  storeCopy(id: string, data: Buffer): void {
    if (this.#maxEntries <= 0) return
    this.#sessions.delete(id)
    this.#sessions.set(id, { data, expiresMs: this.#clock.monoMs() + this.#lifetimeMs })
    this.#trim()
  }

  /** The session data for `id`, or null when unknown or expired. */
  find(id: Buffer): Buffer | null {
    const key = id.toString('hex')
    const hit = this.#sessions.get(key)
    if (hit === undefined) return null
    if (hit.expiresMs <= this.#clock.monoMs()) {
      this.#sessions.delete(key)
      return null
    }
    return hit.data
  }

  #trim(): void {
    while (this.#sessions.size > this.#maxEntries) {
      const oldest = this.#sessions.keys().next()
      if (oldest.done === true) return
      this.#sessions.delete(oldest.value)
    }
  }
}

/** Per-scope (a virtual server, or the whole process) session caches and ticket keys. */
export class TlsRuntime {
  readonly #clock: Clock
  readonly #caches = new Map<string, TlsSessionCache>()
  readonly #ticketKeys = new Map<string, Buffer>()
  /** With several workers: told of every session a cache of this runtime stores. */
  shareSessions: ((scope: string, id: string, data: Buffer) => void) | null = null
  /** With several workers: the key every worker derives its ticket keys from, so any takes any ticket. */
  readonly #ticketSecret: Buffer | null

  constructor(clock: Clock, ticketSecret: Buffer | null = null) {
    this.#clock = clock
    this.#ticketSecret = ticketSecret
  }

  /** The session cache of `scope`, created or resized to the given limits. */
  sessionCache(scope: string, maxEntries: number, lifetimeMs: number): TlsSessionCache {
    let cache = this.#caches.get(scope)
    if (cache === undefined) {
      cache = new TlsSessionCache(this.#clock, maxEntries, lifetimeMs)
      cache.onStore = (id, data) => {
        this.shareSessions?.(scope, id, data)
      }
      this.#caches.set(scope, cache)
    } else {
      cache.resize(maxEntries, lifetimeMs)
    }
    return cache
  }

  /** The 48-byte ticket key of `scope`, made once per process (tickets survive reloads). */
  ticketKeys(scope: string): Buffer {
    let keys = this.#ticketKeys.get(scope)
    if (keys === undefined) {
      const secret = this.#ticketSecret
      keys = secret === null ? randomBytes(48) : Buffer.concat([createHmac('sha256', secret).update(`ticket-keys\0${scope}\0a`).digest(), createHmac('sha256', secret).update(`ticket-keys\0${scope}\0b`).digest()]).subarray(0, 48)
      this.#ticketKeys.set(scope, keys)
    }
    return keys
  }

  /** A session another worker stored in the cache of `scope`. */
  storeCopy(scope: string, id: string, data: Buffer): void {
    this.#caches.get(scope)?.storeCopy(id, data)
  }

  /** Forgets scopes no longer configured. */
  retain(scopes: ReadonlySet<string>): void {
    for (const scope of this.#caches.keys()) if (!scopes.has(scope)) this.#caches.delete(scope)
    for (const scope of this.#ticketKeys.keys()) if (!scopes.has(scope)) this.#ticketKeys.delete(scope)
  }
}
