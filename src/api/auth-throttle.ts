/**
 * Backoff for password guessing, per client address. A few failures are free; after that each
 * further attempt from the address must wait twice as long as the one before (up to a cap), and
 * a success clears the address. Attempts are counted when they start, so guesses sent in
 * parallel are throttled too. The table is bounded: old addresses are forgotten first.
 * @module
 */
import { isIP } from 'node:net'
import type { Clock } from '../core/index.ts'

export interface ThrottleSettings {
  /** Failed attempts an address may make before it has to wait. */
  readonly freeFailures: number
  /** The first wait, ms; each further failure doubles it. */
  readonly firstDelayMs: number
  /** The longest wait, ms. */
  readonly maxDelayMs: number
  /** An address with no failure for this long starts afresh, ms. */
  readonly forgetMs: number
  /** Addresses remembered at most; the least recently seen go first. */
  readonly maxAddresses: number
}

export const DEFAULT_THROTTLE: ThrottleSettings = {
  freeFailures: 5,
  firstDelayMs: 1000,
  maxDelayMs: 60_000,
  forgetMs: 15 * 60_000,
  maxAddresses: 10_000,
}

interface AddressRecord {
  failures: number
  lastMs: number
}

export class AuthThrottle {
  readonly #settings: ThrottleSettings
  readonly #clock: Clock
  readonly #table = new Map<string, AddressRecord>()

  constructor(clock: Clock, settings: Partial<ThrottleSettings> = {}) {
    this.#clock = clock
    this.#settings = { ...DEFAULT_THROTTLE, ...settings }
  }

  /** How long `address` must still wait before its next attempt, ms (0: it may try now). */
  waitMs(address: string): number {
    const entry = this.#current(clientKey(address))
    if (entry === undefined || entry.failures < this.#settings.freeFailures) return 0
    const s = this.#settings
    const delay = Math.min(s.firstDelayMs * 2 ** Math.min(entry.failures - s.freeFailures, 30), s.maxDelayMs)
    return Math.max(0, entry.lastMs + delay - this.#clock.monoMs())
  }

  /** Counts an attempt as a failure until `succeeded` says otherwise. */
  attempt(address: string): void {
    const key = clientKey(address)
    const entry = this.#current(key) ?? { failures: 0, lastMs: 0 }
    entry.failures++
    entry.lastMs = this.#clock.monoMs()
    // Re-inserting keeps the map in least-recently-seen order for eviction.
    this.#table.delete(key)
    this.#makeRoom()
    this.#table.set(key, entry)
  }

  /** The attempt was right: the address starts afresh. */
  succeeded(address: string): void {
    this.#table.delete(clientKey(address))
  }

  /** Addresses currently remembered. */
  get size(): number {
    return this.#table.size
  }

  #current(key: string): AddressRecord | undefined {
    const entry = this.#table.get(key)
    if (entry === undefined) return undefined
    if (this.#clock.monoMs() - entry.lastMs <= this.#settings.forgetMs) return entry
    this.#table.delete(key)
    return undefined
  }

  #makeRoom(): void {
    if (this.#table.size < this.#settings.maxAddresses) return
    const now = this.#clock.monoMs()
    for (const [key, entry] of this.#table) if (now - entry.lastMs > this.#settings.forgetMs) this.#table.delete(key)
    for (const key of this.#table.keys()) {
      if (this.#table.size < this.#settings.maxAddresses) break
      this.#table.delete(key)
    }
  }
}

/**
 * The key an address is throttled under: IPv4 as it is (IPv4-mapped IPv6 included), IPv6 by
 * its /64, since one host commonly holds a whole /64.
 */
export function clientKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  if (mapped !== null) return mapped[1] ?? address
  if (isIP(address) !== 6) return address
  const [head = '', tail] = address.toLowerCase().split('::')
  const left = head === '' ? [] : head.split(':')
  const right = tail === undefined || tail === '' ? [] : tail.split(':')
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`
}
