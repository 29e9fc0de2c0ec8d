/**
 * What a protection class remembers between connections: open connections and recent
 * connection counts per client address, and its refusal counters. It lives outside snapshots
 * (ProtectionStore), so a reload keeps the counts of a class that stays.
 * @module
 */
import { sumOfTopTen, type AddressTable } from './address-table.ts'
import { zeroCounts, type RefusalCounts, type RefusalReason } from './reasons.ts'

/** The count of one client address in the current `rate_timer` window. */
interface RateWindow {
  startMs: number
  count: number
}

/** How many addresses rate windows are kept for before expired ones are swept. */
const RATE_SWEEP_AT = 10000

/** With several workers: the table every worker counts in, and this class's id there. */
export interface SharedCounts {
  readonly table: AddressTable
  readonly cls: number
}

export class ProtectionState {
  /**
   * Open connections per client address (only addresses with at least one) in this worker; with
   * several workers the limits read the shared table, and this map is this worker's part.
   */
  readonly connections = new Map<string, number>()
  readonly #shared: SharedCounts | null
  readonly #rate = new Map<string, RateWindow>()
  #rateSweepAt = RATE_SWEEP_AT
  /** Refusals (or would-be refusals in testing mode) per reason since the start. */
  readonly refused: RefusalCounts = zeroCounts()
  /** Refusals let through because the class is in testing mode. */
  testingPassed = 0
  /** Refusals since the last log line, and when that line was written. */
  readonly sinceLog: RefusalCounts = zeroCounts()
  lastLogMs = -Infinity

  constructor(shared: SharedCounts | null = null) {
    this.#shared = shared
  }

  opened(ip: string): void {
    this.connections.set(ip, (this.connections.get(ip) ?? 0) + 1)
    this.#shared?.table.opened(this.#shared.cls, ip)
  }

  closed(ip: string): void {
    const n = (this.connections.get(ip) ?? 1) - 1
    if (n <= 0) this.connections.delete(ip)
    else this.connections.set(ip, n)
    this.#shared?.table.closed(this.#shared.cls, ip)
  }

  /** Open connections of `ip`, in every worker. */
  openCount(ip: string): number {
    const shared = this.#shared
    return shared === null ? (this.connections.get(ip) ?? 0) : shared.table.open(shared.cls, ip)
  }

  /** The open connections of the ten busiest addresses together. */
  busiestTen(): number {
    const shared = this.#shared
    return shared !== null ? shared.table.busiestTen(shared.cls) : sumOfTopTen(this.connections.values())
  }

  /** Counts one connection (or request) of `ip` and returns its count in the current window. */
  countRate(ip: string, nowMs: number, windowMs: number): number {
    const shared = this.#shared
    // Shared windows are timed by the wall clock, which every worker reads alike.
    if (shared !== null) return shared.table.countRate(shared.cls, ip, Date.now(), windowMs)
    let w = this.#rate.get(ip)
    if (w === undefined) {
      if (this.#rate.size >= this.#rateSweepAt) this.#sweep(nowMs, windowMs)
      w = { startMs: nowMs, count: 0 }
      this.#rate.set(ip, w)
    } else if (nowMs - w.startMs >= windowMs) {
      w.startMs = nowMs
      w.count = 0
    }
    return ++w.count
  }

  /** Drops the windows that have ended; the map is bounded by the addresses seen per window. */
  #sweep(nowMs: number, windowMs: number): void {
    for (const [ip, w] of this.#rate) if (nowMs - w.startMs >= windowMs) this.#rate.delete(ip)
    this.#rateSweepAt = Math.max(RATE_SWEEP_AT, this.#rate.size * 2)
  }

  record(reason: RefusalReason): void {
    this.refused[reason]++
    this.sinceLog[reason]++
  }
}
