/**
 * Runtime state of one node in one pool. It lives outside snapshots, keyed by pool and node,
 * so health, connection counts and idle connections survive configuration changes.
 * @module
 */
import { CONNECT_TIME_BUCKETS_MS, Histogram, RESPONSE_TIME_BUCKETS_MS } from '../core/index.ts'

/** A pooled connection to a node, waiting for its next transaction. */
export interface IdleConnection {
  close(): void
}

/** Weight of the newest sample in the response-time moving average. */
const RESPONSE_TIME_ALPHA = 0.2

export class NodeStatus {
  readonly id: string
  readonly host: string
  readonly port: number
  /** Transactions in flight to this node from this worker (when the count is not shared). */
  #active = 0
  /** With several workers: the count every worker adds to, and this node's place in it. */
  #shared: Int32Array | null = null
  /** This worker's part of the shared counts (see NodeSlots.own). */
  #own: Int32Array | null = null
  #slot = 0
  /** With several workers: tells the others that passive monitoring failed or restored the node. */
  onPassiveChange: ((isFailed: boolean, forMs: number) => void) | null = null
  /** Exponentially weighted mean of recent response times (ms); 0 until measured. */
  responseTimeMs = 0
  /** Monotonic ms since which the node has been usable (added or recovered). */
  usableSinceMs: number
  /** False while a monitor or passive monitoring considers the node dead. */
  isAlive = true
  /** Passive monitoring: monotonic ms until which the node is skipped after failures. */
  failedUntilMs = 0
  /** Consecutive connection failures seen by real traffic. */
  consecutiveFailures = 0
  /**
   * Passive monitoring has failed the node. It is skipped until failedUntilMs, then retried by
   * real traffic, and counts as working again from the first successful connection.
   */
  isPassiveFailed = false
  /** Why a monitor last marked the node dead ('' while alive). */
  deadReason = ''
  /** Idle keep-alive connections, most recently used last. */
  readonly idle: IdleConnection[] = []
  /** The node left the configuration: connections must not be parked here any more. */
  isRetired = false
  /** Counters for statistics. */
  requests = 0
  failures = 0
  bytesToNode = 0
  bytesFromNode = 0

  constructor(id: string, host: string, port: number, nowMs: number) {
    this.id = id
    this.host = host
    this.port = port
    this.usableSinceMs = nowMs
  }

  /** Transactions in flight to this node, from every worker when the count is shared. */
  get activeConnections(): number {
    return this.#shared === null ? this.#active : Atomics.load(this.#shared, this.#slot)
  }

  /** A transaction starts using the node. */
  connectionStarted(): void {
    if (this.#shared === null) this.#active++
    else {
      Atomics.add(this.#shared, this.#slot, 1)
      if (this.#own !== null) this.#own[this.#slot] = (this.#own[this.#slot] ?? 0) + 1
    }
  }

  /** A transaction stops using the node. */
  connectionEnded(): void {
    if (this.#shared === null) this.#active--
    else {
      Atomics.sub(this.#shared, this.#slot, 1)
      if (this.#own !== null) this.#own[this.#slot] = (this.#own[this.#slot] ?? 0) - 1
    }
  }

  /**
   * Counts in `counts[slot]`, shared with the other workers, and in `own[slot]`, this worker's
   * part, from now on; transactions already counted here move there.
   */
  shareCount(counts: Int32Array, own: Int32Array, slot: number): void {
    if (this.#shared !== null) return
    Atomics.add(counts, slot, this.#active)
    own[slot] = (own[slot] ?? 0) + this.#active
    this.#active = 0
    this.#shared = counts
    this.#own = own
    this.#slot = slot
  }

  /** Passive monitoring holds the node out for `forMs` (another worker saw it fail). */
  applyPassiveFailure(isFailed: boolean, forMs: number, nowMs: number): void {
    this.isPassiveFailed = isFailed
    this.failedUntilMs = isFailed ? nowMs + forMs : 0
    if (!isFailed) {
      this.consecutiveFailures = 0
      if (this.isAlive) this.usableSinceMs = nowMs
    }
  }

  /**
   * Records a health monitor's verdict. Returns true when it changes whether the node takes
   * traffic; false when it does not, above all while passive monitoring keeps the node out
   * either way (the passive failure was the node's event, and the first real success after
   * `retry_fail_time` will be its recovery).
   */
  setMonitorVerdict(isAlive: boolean, reason: string, nowMs: number): boolean {
    const isChange = isAlive !== this.isAlive
    if (isAlive && isChange) this.usableSinceMs = nowMs
    this.isAlive = isAlive
    this.deadReason = isAlive ? '' : reason
    return isChange && !this.isPassiveFailed
  }

  /**
   * Keeps `conn` for reuse. False when it should be closed instead: the node was removed
   * from its pool, or `maxIdle` (0 = no limit) connections are already parked.
   */
  offerIdle(conn: IdleConnection, maxIdle: number): boolean {
    if (this.isRetired || (maxIdle !== 0 && this.idle.length >= maxIdle)) return false
    this.idle.push(conn)
    return true
  }

  /** Fastest and slowest response (ms) since the node joined; 0 until measured. */
  responseTimeMinMs = 0
  responseTimeMaxMs = 0

  /** Response and connect times for Prometheus histograms. */
  readonly responseTimes = new Histogram(RESPONSE_TIME_BUCKETS_MS)
  readonly connectTimes = new Histogram(CONNECT_TIME_BUCKETS_MS)

  recordConnectTime(ms: number): void {
    this.connectTimes.record(ms)
  }

  recordResponseTime(ms: number): void {
    this.responseTimes.record(ms)
    if (this.responseTimeMinMs === 0 || ms < this.responseTimeMinMs) this.responseTimeMinMs = ms
    if (ms > this.responseTimeMaxMs) this.responseTimeMaxMs = ms
    this.responseTimeMs =
      this.responseTimeMs === 0 ? ms : this.responseTimeMs + RESPONSE_TIME_ALPHA * (ms - this.responseTimeMs)
  }
}

/** Splits `host:port` or `[v6]:port` into its parts; the configuration layer has validated it. */
export function splitNodeAddress(id: string): { host: string; port: number } {
  const colon = id.lastIndexOf(':')
  let host = id.slice(0, colon)
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1)
  return { host, port: Number(id.slice(colon + 1)) }
}
