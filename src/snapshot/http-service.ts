/**
 * What the HTTP engine needs from a virtual server, built once per snapshot: timeouts, limits,
 * forwarding, error pages, rules and the phases they need, the request-log hook.
 * @module
 */
import type { Pool, PoolNode } from '../pool/index.ts'
import type { RuleServices } from '../rules/index.ts'
import type { NodeTlsSettings } from '../tls/index.ts'
import type { PersistenceClasses } from '../persist/index.ts'
import type { GenerationPlan } from '../generations/index.ts'
import type { PhaseRules as HttpRules } from '../rules/index.ts'
import type { HttpPhases } from './http-phases.ts'
import type { ErrorResponses } from './error-pages.ts'
import type { CompressionSettings } from './compression-settings.ts'
import type { WebCacheService } from './web-cache-settings.ts'
import type { Http2Settings } from './http2-settings.ts'
import type { ProtectionClass } from '../protect/index.ts'
import type { BandwidthService, ServiceLevelService } from './traffic-class-settings.ts'

/** What the request log reads of a request head (the HTTP engine's parsed heads have it). */
export interface LoggedRequest {
  readonly method: string
  readonly target: string
  readonly versionMinor: number
  /** Flat name, value list. */
  readonly headers: readonly string[]
}

/** What the virtual server adds to requests (vTM section `http`). */
export interface ForwardingSettings {
  readonly addClusterIp: boolean
  readonly addXForwardedFor: boolean
  readonly addXForwardedProto: boolean
  readonly stripXForwardedProto: boolean
}

/** The limits on a request head. */
export interface HeadLimits {
  /** Longest request line accepted (414 beyond). */
  readonly maxRequestLineBytes: number
  /** Largest whole head accepted (431 beyond). */
  readonly maxHeadBytes: number
  /** Most header fields accepted (431 beyond). */
  readonly maxFields: number
}

export const DEFAULT_HEAD_LIMITS: HeadLimits = Object.freeze({
  maxRequestLineBytes: 8192,
  maxHeadBytes: 32768,
  maxFields: 100,
})

/** One finished HTTP transaction, handed to the request log and statistics. */
export interface TransactionRecord {
  readonly service: HttpService
  readonly clientIp: string
  readonly startWallMs: number
  readonly request: LoggedRequest
  readonly status: number
  /** The response's header list, read through `headers` only when a log format asks for one. */
  readonly response: { readonly headers: readonly string[] } | null
  readonly bytesIn: number
  readonly bytesOut: number
  readonly durationMs: number
  /** Time from sending the request to the node until its response head arrived; -1 if none. */
  readonly nodeResponseMs: number
  readonly pool: Pool | null
  readonly node: PoolNode | null
}

export interface HttpService {
  readonly name: string
  /** Default pool; null means the built-in `discard` pool. */
  readonly pool: Pool | null
  /** Every pool of the snapshot, by name (failure pools, rules). */
  readonly pools: ReadonlyMap<string, Pool>
  readonly forwarding: ForwardingSettings
  readonly scheme: 'http' | 'https'
  /** vTM `connection.keepalive`. */
  readonly keepalive: boolean
  /** vTM `connection.keepalive_timeout` in ms; 0 = never. */
  readonly keepaliveTimeoutMs: number
  /** vTM `basic.connect_timeout` in ms: time allowed for a complete request head; 0 = none. */
  readonly headerTimeoutMs: number
  /** vTM `connection.timeout` in ms: idle time allowed mid-transaction; 0 = none. */
  readonly idleTimeoutMs: number
  /** vTM `connection.max_client_buffer`: pipelined bytes buffered before reading pauses. */
  readonly maxClientBufferBytes: number
  readonly headLimits: HeadLimits
  /** HTTP/2 towards clients (vTM section `http2`); null when it is disabled. */
  readonly http2: Http2Settings | null
  readonly errors: ErrorResponses
  /** Per pool name, TLS to its nodes (pools with `ssl.enable`); absent pools speak plain TCP. */
  readonly nodeTls?: ReadonlyMap<string, NodeTlsSettings>
  /** Session persistence classes of the snapshot (pools' defaults, rules' choices). */
  readonly persistence: PersistenceClasses
  /** TrafficScript rules by phase (NO_RULES when none). */
  readonly rules: HttpRules
  /** The service protection class; the `protection` phase runs only when there is one. */
  readonly protection?: ProtectionClass | null
  /** The request and response phases this virtual server runs, in order. */
  readonly phases: HttpPhases
  /** Content compression (vTM `gzip`); null when it is off, and no phase is compiled for it. */
  readonly compression: CompressionSettings | null
  /** The web cache (section `web_cache`); null when it is off. */
  readonly cache: WebCacheService | null
  /** Bandwidth classes; null when the configuration has none (no `bandwidth` phase then). */
  readonly bandwidth?: BandwidthService | null
  /** Service level monitoring; null when the configuration has no SLM class. */
  readonly slm?: ServiceLevelService | null
  /** The application's generations (`generations.table`); null when it has none. */
  readonly generations?: GenerationPlan | null
  /** What rules may use beyond the transaction; null when the virtual server has no rules. */
  readonly ruleServices: RuleServices | null
  /** `trafficscript.max_instr`. */
  readonly maxInstructions: number
  /** Counts every finished transaction; null when statistics are not kept. */
  readonly counters: ResponseCounters | null
  /**
   * Called once per finished transaction that is to be logged (the request log is on and no
   * rule called `requestlog.exclude()`); null when nothing is logged, so no record is built.
   */
  readonly onTransactionEnd: ((record: TransactionRecord) => void) | null
}

/** The virtual server's statistics, as the HTTP engine feeds them. */
export interface ResponseCounters {
  recordResponse(status: number, bytesIn: number, bytesOut: number, durationMs: number): void
  /** Connections Sluice ended and then closed itself, because the client did not close in time. */
  lingerTimeouts: number
}

