/**
 * What a generic TCP or UDP virtual server needs from its snapshot, and the interface rules (or
 * any other router) use to steer a stream transaction.
 * @module
 */
import type { PersistenceClasses } from '../persist/index.ts'
import type { Pool } from '../pool/index.ts'
import type { RuleBinding, RuleServices } from '../rules/index.ts'

/**
 * How a TCP stream starts. `client_first`: wait for the client's first bytes, then choose a node.
 * `server_first`: connect at once, the node speaks first (banners). `stream`: connect at once,
 * either side may speak. `ssl_passthrough`: wait for the TLS ClientHello, route on its SNI name,
 * forward the encrypted bytes untouched.
 */
export type StreamKind = 'client_first' | 'server_first' | 'stream' | 'ssl_passthrough'

/**
 * One generic TCP transaction as a router sees it, before a node is chosen. The rules layer
 * implements `ssl.getServerName()`-style and `pool.use()`-style functions on top of this.
 */
export interface StreamTransaction {
  readonly virtualServer: string
  readonly clientIp: string
  readonly clientPort: number
  /** Bytes the client sent before routing (the ClientHello for pass-through); empty if none yet. */
  clientData(): Buffer
  /** The TLS server name: from the ClientHello (pass-through) or the handshake (decrypted); `''` if none. */
  serverName(): string
  /** Sends the transaction to pool `name`; false when there is no such pool. */
  usePool(name: string): boolean
  /** Closes the connection without contacting any node. */
  discard(): void
}

/** Chooses a pool (or discards) for a stream transaction; may suspend by returning a Promise. */
export type StreamRouter = (t: StreamTransaction) => void | Promise<void>

/** One finished stream transaction, for counters and logs. */
export interface StreamRecord {
  readonly virtualServer: string
  readonly clientIp: string
  /** Bytes received from the client. */
  readonly bytesIn: number
  /** Bytes sent to the client. */
  readonly bytesOut: number
  readonly durationMs: number
  readonly pool: Pool | null
  /** `host:port` of the node, or null if none was reached. */
  readonly node: string | null
}

/** A stream virtual server's rules, compiled once per snapshot. */
export interface StreamRules {
  /** Request rules: run on the client's first data (or at connect, see `runOnConnect`). */
  readonly request: readonly RuleBinding[]
  /** Response rules: run once, on the node's first data. */
  readonly response: readonly RuleBinding[]
  /** vTM `basic.rules_on_connect`: `client_first` request rules run as soon as the client connects. */
  readonly runOnConnect: boolean
  readonly services: RuleServices
  readonly maxInstructions: number
}
import type { BandwidthService } from './traffic-class-settings.ts'

export interface StreamService {
  readonly name: string
  readonly kind: StreamKind
  /** Default pool; null means the built-in `discard` pool. */
  readonly pool: Pool | null
  /** Every pool of the snapshot (failure pools, routers). */
  readonly pools: ReadonlyMap<string, Pool>
  /** vTM `basic.connect_timeout` in ms: time for the client's first bytes; 0 = none. */
  readonly connectTimeoutMs: number
  /** vTM `connection.timeout` in ms: idle time in both directions; 0 = none. */
  readonly idleTimeoutMs: number
  /** vTM `tcp.proxy_close`: forward a FIN and keep the other direction open. */
  readonly proxyClose: boolean
  /** vTM `tcp.close_with_rst`. */
  readonly closeWithRst: boolean
  /** vTM `tcp.nagle`. */
  readonly nagle: boolean
  /** vTM `connection.server_first_banner` (server_first only); empty = the node's own banner. */
  readonly serverFirstBanner: string
  /** vTM `connection.max_client_buffer`: bytes held before a node is connected. */
  readonly maxClientBufferBytes: number
  /** Chooses the pool per transaction (rules); null = always the default pool. */
  readonly router: StreamRouter | null
  /** TrafficScript request and response rules; null when the virtual server has none. */
  readonly rules: StreamRules | null
  /** The snapshot's session persistence classes (the pool's `persistence_class`, rule choices). */
  readonly persistence: PersistenceClasses
  /** Called once per finished transaction; null when nothing listens. */
  readonly onEnd: ((record: StreamRecord) => void) | null
  /** Bandwidth classes; null when the configuration has none. */
  readonly bandwidth?: BandwidthService | null
}

export type UdpKind = 'udp' | 'dns'

export interface UdpService {
  readonly name: string
  readonly kind: UdpKind
  readonly pool: Pool | null
  readonly pools: ReadonlyMap<string, Pool>
  /** vTM `udp.timeout` in ms: a session (or a DNS query) is dropped after this long without traffic. */
  readonly timeoutMs: number
  /** vTM `udp.response_datagrams_expected`: the session ends after this many replies; -1 = never. */
  readonly responseDatagramsExpected: number
  /** vTM `udp.end_point_persistence`: datagrams of one client address and port share a node. */
  readonly endPointPersistence: boolean
  /** Sessions (or pending DNS queries) held at once; beyond it new ones are dropped. */
  readonly maxSessions: number
  /** Called with the bytes of each finished session or query. */
  readonly onEnd: ((record: StreamRecord) => void) | null
}
