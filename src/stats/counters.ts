/**
 * Counters the data plane increments and the control plane reads. Plain numbers on long-lived
 * objects, keyed by stable names so they survive configuration changes.
 * @module
 */
import { Histogram, RESPONSE_TIME_BUCKETS_MS } from '../core/index.ts'

/** Per virtual server (vTM statistics `virtual_servers/<name>`). */
export class VirtualServerCounters {
  readonly name: string
  currentConn = 0
  maxConn = 0
  totalConn = 0
  /** Connections refused by `max_concurrent_connections`. */
  connectionsRefused = 0
  totalRequests = 0
  bytesIn = 0
  bytesOut = 0
  http1xx = 0
  http2xx = 0
  http3xx = 0
  http4xx = 0
  http5xx = 0
  /** Responses Sluice generated itself because a transaction failed (502/503/504...). */
  connectionErrors = 0
  /** Connections Sluice ended whose client did not close within the linger time: closed by force. */
  lingerTimeouts = 0
  /** Responses sent compressed (vTM `gzip`). */
  compressedResponses = 0
  /** Body bytes compression kept off the wire (vTM `gzip_bytes_saved`). */
  compressionBytesSaved = 0
  responseTimeMinMs = 0
  responseTimeMaxMs = 0
  responseTimeTotalMs = 0
  /** The same response times, by bucket, for Prometheus. */
  readonly responseTimes = new Histogram(RESPONSE_TIME_BUCKETS_MS)

  constructor(name: string) {
    this.name = name
  }

  recordResponse(status: number, bytesIn: number, bytesOut: number, durationMs: number): void {
    this.totalRequests++
    this.bytesIn += bytesIn
    this.bytesOut += bytesOut
    if (status >= 500) this.http5xx++
    else if (status >= 400) this.http4xx++
    else if (status >= 300) this.http3xx++
    else if (status >= 200) this.http2xx++
    else if (status >= 100) this.http1xx++
    if (this.totalRequests === 1 || durationMs < this.responseTimeMinMs) this.responseTimeMinMs = durationMs
    if (durationMs > this.responseTimeMaxMs) this.responseTimeMaxMs = durationMs
    this.responseTimeTotalMs += durationMs
    this.responseTimes.record(durationMs)
  }

  connectionOpened(): void {
    this.currentConn++
    this.totalConn++
    if (this.currentConn > this.maxConn) this.maxConn = this.currentConn
  }

  connectionClosed(): void {
    this.currentConn--
  }
}

/** All counters of this process, by virtual server name. */
export class StatsRegistry {
  readonly #virtualServers = new Map<string, VirtualServerCounters>()
  /** Process start, wall ms (for uptime). */
  readonly startedWallMs: number

  constructor(startedWallMs: number) {
    this.startedWallMs = startedWallMs
  }

  virtualServer(name: string): VirtualServerCounters {
    let c = this.#virtualServers.get(name)
    if (c === undefined) {
      c = new VirtualServerCounters(name)
      this.#virtualServers.set(name, c)
    }
    return c
  }

  virtualServers(): IterableIterator<VirtualServerCounters> {
    return this.#virtualServers.values()
  }
}
