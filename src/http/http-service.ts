/**
 * What the HTTP engine needs from a virtual server, built once per snapshot.
 * @module
 */
import type { Clock, Logger } from '../core/index.ts'
import type { Pool, PoolNode } from '../pool/index.ts'
import type { RuleServices } from '../rules/index.ts'
import type { NodeTlsSettings } from '../tls/index.ts'
import type { PersistenceClasses } from '../persist/index.ts'
import type { HttpRules } from './rule-runner.ts'
import type { HttpPhases } from './phase-list.ts'
import type { ErrorResponses } from './error-pages.ts'
import type { ForwardingSettings } from './outgoing-head.ts'
import type { HeadLimits, RequestHead } from './request-head.ts'
import type { TimeoutSweeper } from '../core/index.ts'

/** One finished HTTP transaction, handed to the request log and statistics. */
export interface TransactionRecord {
  readonly service: HttpService
  readonly clientIp: string
  readonly startWallMs: number
  readonly request: RequestHead
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
  readonly errors: ErrorResponses
  /** Per pool name, TLS to its nodes (pools with `ssl.enable`); absent pools speak plain TCP. */
  readonly nodeTls?: ReadonlyMap<string, NodeTlsSettings>
  /** Session persistence classes of the snapshot (pools' defaults, rules' choices). */
  readonly persistence: PersistenceClasses
  /** TrafficScript rules by phase (NO_RULES when none). */
  readonly rules: HttpRules
  /** The request and response phases this virtual server runs, in order. */
  readonly phases: HttpPhases
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

/** Process-wide dependencies of the HTTP engine. */
export interface HttpEngineDeps {
  readonly clock: Clock
  readonly sweeper: TimeoutSweeper
  readonly logger: Logger
  /** Set during graceful shutdown: finish the current transaction, then close. */
  readonly lifecycle: { isDraining: boolean }
  /**
   * Time a client gets to close a connection Sluice has ended (after an error or a closing
   * response) once everything sent has left; then the socket is destroyed. More than 0.
   */
  readonly closeLingerMs: number
}
