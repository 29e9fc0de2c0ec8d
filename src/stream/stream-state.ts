/**
 * The state of one generic TCP transaction and what its rules and router may ask of it
 * (StreamTransaction, StreamRuleHost). The flow itself (routing, relaying, closing) is in
 * stream-connection.ts; finding a node is pool/'s Dialer.
 * @module
 */
import type { Socket } from 'node:net'
import type { Clock, TimeoutSweeper } from '../core/index.ts'
import type { PersistenceChoice } from '../persist/index.ts'
import { Dialer, type DialerOwner, type NoNodeReason, type Pool, type PoolNode, type SessionChooser } from '../pool/index.ts'
import type { BandwidthClass, BandwidthGate, PacedWriter } from '../protect/index.ts'
import type { PersistenceSession } from '../persist/index.ts'
import type { TlsFacts } from '../rules/index.ts'
import { tlsInfoOf } from '../tls/index.ts'
import type { LingerCounters } from './close-linger.ts'
import { StreamRuleSession } from './stream-rules.ts'
import { passThroughTlsFacts, type StreamRuleHost } from './stream-rule-view.ts'
import type { StreamService, StreamTransaction } from '../snapshot/index.ts'

/** Process-wide dependencies of stream transactions. */
export interface StreamDeps {
  readonly clock: Clock
}

/** What a TCP stream connection needs besides the clock. */
export interface StreamConnectionDeps extends StreamDeps {
  /** The deadlines of connection attempts and of the too-busy queue. */
  readonly sweeper: TimeoutSweeper
  /** Time the peers of a gracefully closed connection get to take what was sent (see close-linger.ts). */
  readonly closeLingerMs: number
  /** The virtual server's counters; null when statistics are not kept. */
  readonly counters: LingerCounters | null
}

export const S_WAITING = 0
export const S_ROUTING = 1
/** Finding a node (balancing, queueing, connecting, retrying): see pool/'s Dialer. */
export const S_CONNECTING = 2
export const S_RELAYING = 3
export const S_CLOSED = 4

export function plainIp(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address
}

export const EMPTY = Buffer.alloc(0)

export abstract class StreamState implements StreamTransaction, StreamRuleHost, DialerOwner {
  protected readonly client: Socket
  protected readonly service: StreamService
  protected readonly deps: StreamConnectionDeps
  protected readonly startMs: number
  readonly clientIp: string
  readonly clientPort: number
  readonly localIp: string
  readonly localPort: number
  readonly isTls: boolean
  protected state = S_WAITING
  protected pending: Buffer[] = []
  protected pendingBytes = 0
  protected sniName: string
  protected chosen: Pool | null | undefined = undefined
  protected readonly dialer: Dialer
  /** The connection being opened to the dialer's node, until it connects or fails. */
  protected connecting: Socket | null = null
  protected nodeSocket: Socket | null = null
  protected clientEnded = false
  protected nodeEnded = false
  /** Server-first banner sent by us: drop the node's own first line. */
  protected skipNodeBanner = false
  protected bytesIn = 0
  protected bytesOut = 0
  /** Rules of this transaction (request and response), or null without rules. */
  protected readonly rules: StreamRuleSession | null
  /** Rules waiting for more client data. */
  protected dataWaiters: (() => void)[] = []
  /** Persistence choices of the rules, applied when the pool is known. */
  protected persistChoice: PersistenceChoice | null = null
  /** Node data held while response rules run (null when they are not running). */
  protected responsePending: Buffer | null = null
  protected responseRulesRan = false
  protected nodeEndDeferred = false
  /** Bandwidth classes' pacing of what is written to the client and to the node (null: unpaced). */
  protected toClient: PacedWriter | null = null
  protected toNode: PacedWriter | null = null
  protected readonly pacedBy: { readonly cls: BandwidthClass; readonly gate: BandwidthGate }[] = []
  /**
   * The TLS session, for `ssl` persistence: the decrypted connection's session key, or on
   * pass-through the session ID the client offered ('' for a new session); null when none.
   */
  protected tlsSession: string | null = null
  /** The persistence session of this transaction, when a class applies. */
  protected persistSession: PersistenceSession | null = null
  /** Pass-through with a new session: the node's first bytes, until its ServerHello names it. */
  protected serverHello: Buffer | null = null

  constructor(client: Socket, service: StreamService, deps: StreamConnectionDeps, serverName: string) {
    this.client = client
    this.service = service
    this.deps = deps
    this.sniName = serverName
    this.startMs = deps.clock.monoMs()
    this.dialer = new Dialer(this, deps.clock, deps.sweeper)
    this.clientIp = plainIp(client.remoteAddress ?? '')
    this.clientPort = client.remotePort ?? 0
    this.localIp = plainIp(client.localAddress ?? '')
    this.localPort = client.localPort ?? 0
    this.isTls = (client as Socket & { encrypted?: unknown }).encrypted === true
    this.rules = service.rules === null ? null : new StreamRuleSession(service.rules, this)
  }

  get virtualServer(): string {
    return this.service.name
  }

  clientData(): Buffer {
    return this.pending.length === 1 ? (this.pending[0] ?? Buffer.alloc(0)) : Buffer.concat(this.pending)
  }

  serverName(): string {
    return this.sniName
  }

  tlsFacts(): TlsFacts | null {
    return tlsInfoOf(this.client) ?? (this.sniName === '' ? null : passThroughTlsFacts(this.sniName))
  }

  usePool(name: string): boolean {
    const pool = this.service.pools.get(name)
    if (pool === undefined) return false
    this.chosen = pool
    return true
  }

  discard(): void {
    this.chosen = null
  }

  setClientData(data: Buffer): void {
    this.pending = data.length === 0 ? [] : [data]
    this.pendingBytes = data.length
  }

  isClientDataFinal(): boolean {
    return this.clientEnded || this.state === S_CLOSED || this.pendingBytes >= this.service.maxClientBufferBytes
  }

  moreClientData(): Promise<void> {
    if (this.isClientDataFinal()) return Promise.resolve()
    return new Promise((resolve) => {
      this.dataWaiters.push(resolve)
    })
  }

  protected wakeDataWaiters(): void {
    if (this.dataWaiters.length === 0) return
    const waiters = this.dataWaiters
    this.dataWaiters = []
    for (const wake of waiters) wake()
  }

  sendToClient(data: Buffer): void {
    if (this.state !== S_CLOSED) this.client.write(data)
  }

  responseData(): Buffer {
    return this.responsePending ?? EMPTY
  }

  setResponseData(data: Buffer): void {
    if (this.responsePending !== null) this.responsePending = data
  }

  nodeId(): string {
    return this.dialer.node?.id ?? ''
  }

  elapsedMs(): number {
    return this.deps.clock.monoMs() - this.startMs
  }

  abstract openConnection(node: PoolNode, pool: Pool): void
  abstract noNode(reason: NoNodeReason): void
  abstract connectTimedOut(): void

  /** A session's node that redirects cannot help a stream: the connection closes. */
  redirect(): void {
    this.noNode('session-close')
  }

  /**
   * A stream chooses its pool once, when it starts: when that pool's last node fails during the
   * attempts, the connection closes and the next connection goes to the failure pool.
   */
  canSwitchPool(): boolean {
    return false
  }

  sessionFor(pool: Pool): SessionChooser | null {
    this.persistSession = this.service.persistence.open(pool, this.clientIp, this.persistChoice, null, this.tlsSession)
    return this.persistSession
  }
}
