/**
 * Wires the planes together: applies validated configurations as snapshots, owns the
 * listeners, the client connections and the runtime state that outlives snapshots.
 * @module
 */
import type { RemoteInfo, Socket as DgramSocket } from 'node:dgram'
import type { Socket } from 'node:net'
import type { TLSSocket } from 'node:tls'
import type { Clock, Logger, Random, Result } from './core/index.ts'
import { TimeoutSweeper, err, ok } from './core/index.ts'
import type { Diagnostic, ValidConfig } from './config/index.ts'
import { Http1ServerCodec, Http2Clients, plainClientIp, type HttpEngineDeps, type ServiceSource } from './http/index.ts'
import { ListenerSet, OwnedReads, adoptWithOwnedReads, listenerChanges, listenerUrl, type BoundAddress, type ListenerLabel, type SharedListening } from './net/index.ts'
import { StatusRegistry, type NodeSlots } from './pool/index.ts'
import { PersistenceStore, type SessionSharing } from './persist/index.ts'
import { WebCache } from './cache/index.ts'
import { BandwidthStore, ProtectionStore, RateStore, ServiceLevelStore, type AddressTable, type BandwidthSharingMemory, type ProtectionClass, type QueueBounds, type ServiceLevelMemory } from './protect/index.ts'
import { buildSnapshot, parseDataSize, type RuleHost, type Snapshot, type StreamRouter, type VirtualServerEntry } from './snapshot/index.ts'
import { MemoryDataStore, type DataStore, type RateShaper } from './rules/index.ts'
import { hostname, totalmem } from 'node:os'
import { DnsRelay, StreamConnection, UdpRelay } from './stream/index.ts'
import { TlsRuntime, type SecureHandler } from './tls/index.ts'
import { RequestLogRegistry, StatsRegistry } from './stats/index.ts'
import type { ApplicationStatus, WorkersView } from './api/index.ts'
import { EventLog, type EventInput } from './events/index.ts'
import { HealthManager, type HealthEvent } from './health/index.ts'
import { GenerationStore, generationChanges, generationsView, type GenerationPlan } from './generations/index.ts'

export interface AppDeps {
  readonly clock: Clock
  readonly random: Random
  readonly logger: Logger
  /** Environment given to `program` monitors (health code never reads process.env itself). */
  readonly programEnv?: Readonly<Record<string, string>>
  /**
   * Pool routers for generic TCP virtual servers, by virtual server name (SNI routing for `ssl`
   * pass-through) until rules run on stream virtual servers.
   */
  readonly streamRouters?: ReadonlyMap<string, StreamRouter>
  /**
   * Time a client gets to close a connection Sluice has ended, once what was sent has left
   * (DEFAULT_CLOSE_LINGER_MS; tests shorten it). More than 0.
   */
  readonly closeLingerMs?: number
  /** How many requests may wait in one rate class, and for how long (DEFAULT_QUEUE_BOUNDS; tests shorten it). */
  readonly rateQueue?: QueueBounds
  /** One data-plane worker among several (issue #15): what it shares with the others. */
  readonly sharing?: WorkerSharing
  /** The key generations' session cookies are signed with (kept on disk by the server); random when absent. */
  readonly generationSecret?: Buffer
  /** The transparent persistence cookies' key when Sluice runs alone in a cluster (else the workers' or a random one). */
  readonly persistenceSecret?: Buffer
}

/** What one worker shares with the other workers of the same Sluice (src/workers/). */
export interface WorkerSharing {
  /** Per-node transaction counts in shared memory. */
  readonly slots: NodeSlots
  /** Session persistence: the transparent cookies' key and news of mappings. */
  readonly sessions: SessionSharing
  /** The `data.*` store, given its size; one that tells the other workers of every change. */
  readonly dataStore: (maxBytes: number) => DataStore
  /** Health monitors run in the primary only; the others hear its verdicts. */
  readonly runsMonitors: boolean
  /** Service protection's per-address counts, in shared memory. */
  readonly addresses: AddressTable
  /** Bandwidth classes' allowances, in shared memory (`machine` and `cluster` classes). */
  readonly bandwidth: BandwidthSharingMemory
  /** Service level monitors' counts and levels, in shared memory. */
  readonly serviceLevels: ServiceLevelMemory
  /** What `rate.*` calls in a worker (the primary's classes); absent in the primary. */
  readonly rates?: (local: RateStore) => RateShaper
}

/** How long a client may keep a connection open after Sluice ended it (see docs/http.md). */
export const DEFAULT_CLOSE_LINGER_MS = 5000

/** vTM files monitor-level events under `monitors`, node and pool verdicts under `pools`. */
function healthEventInput(e: HealthEvent): EventInput {
  const category = e.kind === 'monitorfail' || e.kind === 'monitorok' ? 'monitors' : 'pools'
  const objects: Record<string, string> = { pool: e.pool, monitor: e.monitor }
  if (e.node !== undefined) objects['node'] = e.node
  return { severity: e.severity, category, name: e.kind, objects, message: e.reason }
}

export class App {
  readonly #deps: AppDeps
  readonly #statuses: StatusRegistry
  /** Session persistence tables, kept across reloads. */
  readonly persistence: PersistenceStore
  /** The web cache's store, kept across reloads. */
  readonly webCache = new WebCache()
  /** Service protection counts and counters, kept across reloads. */
  readonly protection: ProtectionStore
  /** Rate classes' queues and counters, kept across reloads. */
  readonly rates: RateStore
  /** Bandwidth classes' allowances, kept across reloads. */
  readonly bandwidth: BandwidthStore
  /** Service level monitors' counts and levels, kept across reloads. */
  readonly serviceLevels: ServiceLevelStore
  /** Generations' cookie key and counters, kept across reloads. */
  readonly generations: GenerationStore
  readonly #logs: RequestLogRegistry
  readonly #listeners: ListenerSet
  readonly #sweeper: TimeoutSweeper
  readonly #engine: HttpEngineDeps
  readonly #sources = new Map<string, ServiceSource>()
  readonly #connections = new Map<string, number>()
  readonly #clients = new Set<Http1ServerCodec>()
  /** HTTP/2 client connections (ALPN h2, or h2c with prior knowledge). */
  readonly #h2: Http2Clients
  readonly #streams = new Set<StreamConnection>()
  /** Raw sockets still in their TLS handshake. */
  readonly #handshaking = new Set<Socket>()
  readonly #secureHandlers = new Map<string, SecureHandler>()
  readonly #tls: TlsRuntime
  readonly #udp: UdpRelay
  readonly #dns: DnsRelay
  readonly events: EventLog
  readonly stats: StatsRegistry
  readonly #health: HealthManager
  #snapshot: Snapshot | null = null
  #version = 0
  readonly #healthListeners: ((pool: string, node: string, isAlive: boolean, reason: string) => void)[] = []
  /** Serialises configuration changes. */
  #applying: Promise<unknown> = Promise.resolve()

  /**
   * With several workers: run after each configuration this App applies (from a reload or the
   * API alike), before the change is reported done, so the other workers switch too.
   */
  afterApply: ((snapshot: Snapshot) => Promise<void>) | null = null
  /** With several workers: the other workers, for the API (statistics, list, restart, purge). */
  workers: WorkersView | undefined = undefined

  /** Rule services that outlive snapshots (the data.* store above all); made on first apply. */
  #ruleHost: RuleHost | null = null

  constructor(deps: AppDeps) {
    this.#deps = deps
    this.#statuses = new StatusRegistry(deps.sharing?.slots ?? null)
    this.persistence = new PersistenceStore(deps.sharing?.sessions ?? null, deps.persistenceSecret ?? null)
    this.generations = new GenerationStore(deps.generationSecret ?? null)
    this.protection = new ProtectionStore(deps.sharing?.addresses ?? null)
    this.#logs = new RequestLogRegistry({
      onError: (file, message) => {
        deps.logger.warn(`request log ${file}: ${message}`)
      },
    })
    this.events = new EventLog(deps.clock, deps.logger)
    this.rates = new RateStore(deps.clock, deps.rateQueue)
    this.bandwidth = new BandwidthStore(() => deps.clock.monoMs(), deps.sharing?.bandwidth ?? null)
    this.stats = new StatsRegistry(deps.clock.nowMs())
    this.serviceLevels = new ServiceLevelStore(this.events.emit, deps.sharing?.serviceLevels ?? null)
    this.#health = new HealthManager({
      statusSink: {
        setNodeHealth: (pool, node, alive, reason) => {
          for (const listener of this.#healthListeners) listener(pool, node, alive, reason)
          return this.#statuses.find(pool, node)?.setMonitorVerdict(alive, reason, deps.clock.monoMs()) ?? true
        },
      },
      onEvent: (e) => {
        this.events.emit(healthEventInput(e))
      },
      logger: deps.logger,
      ...(deps.programEnv === undefined ? {} : { programEnv: deps.programEnv }),
    })
    this.#sweeper = new TimeoutSweeper(deps.clock)
    this.#engine = {
      clock: deps.clock,
      sweeper: this.#sweeper,
      logger: deps.logger,
      lifecycle: { isDraining: false },
      closeLingerMs: deps.closeLingerMs ?? DEFAULT_CLOSE_LINGER_MS,
    }
    this.#h2 = new Http2Clients(this.#engine)
    this.#tls = new TlsRuntime(deps.clock, deps.sharing?.sessions.secret ?? null)
    this.#udp = new UdpRelay({ clock: deps.clock })
    this.#dns = new DnsRelay({ clock: deps.clock })
    this.#listeners = new ListenerSet(
      (socket, vs) => {
        this.#accept(socket, vs)
      },
      deps.logger,
      (msg, from, socket, vs) => {
        this.#datagram(msg, from, socket, vs)
      },
    )
  }

  get snapshot(): Snapshot | null {
    return this.#snapshot
  }

  /** Every virtual server's generations with their sessions and this process's counts. */
  generationStatus(): ApplicationStatus[] {
    return generationsView(this.generationPlans(), this.#deps.clock.monoMs())
  }

  /** The generations of every HTTP virtual server that has them. */
  generationPlans(): GenerationPlan[] {
    const plans: GenerationPlan[] = []
    for (const vs of this.#snapshot?.virtualServers.values() ?? []) if (vs.http?.generations != null) plans.push(vs.http.generations)
    return plans
  }

  /** Applies a validated configuration whole, or leaves the running one untouched. */
  apply(config: ValidConfig): Promise<Result<Snapshot, Diagnostic[]>> {
    const run = this.#applying.then(() => this.#applyNow(config))
    this.#applying = run.catch(() => undefined)
    return run
  }

  async #applyNow(config: ValidConfig): Promise<Result<Snapshot, Diagnostic[]>> {
    this.#ruleHost ??= {
      clock: this.#deps.clock,
      random: this.#deps.random,
      logger: this.#deps.logger,
      events: this.events.emit,
      data: (this.#deps.sharing?.dataStore ?? ((max: number) => new MemoryDataStore(max)))(parseDataSize(config.globalSettings.trafficscript.data_size, totalmem())),
      hostname: hostname(),
      counters: new Map(),
    }
    const built = buildSnapshot(config, this.#version + 1, {
      ruleHost: this.#ruleHost,
      clock: this.#deps.clock,
      random: this.#deps.random,
      statuses: this.#statuses,
      persistence: this.persistence,
      webCache: this.webCache,
      protection: this.protection,
      rates: this.rates,
      bandwidth: this.bandwidth,
      slm: this.serviceLevels,
      generations: this.generations,
      ...(this.#deps.sharing?.rates === undefined ? {} : { rateShaper: this.#deps.sharing.rates(this.rates) }),
      logs: this.#logs,
      events: this.events.emit,
      stats: this.stats,
      tls: this.#tls,
      ...(this.#deps.streamRouters === undefined ? {} : { streamRouters: this.#deps.streamRouters }),
    })
    if (!built.ok) return built
    const next = built.value
    const previous = this.#snapshot
    const listenersBefore = previous === null ? null : this.listeners()
    const plansBefore = this.generationPlans()
    this.#snapshot = next
    const bound = await this.#listeners.apply(next)
    if (!bound.ok) {
      this.#snapshot = previous
      for (const w of next.logWriters) void this.#logs.release(w)
      return err(bound.error)
    }
    this.#version = next.version
    this.#retainStatuses(next)
    this.#h2.reconfigured()
    if (this.#deps.sharing?.runsMonitors !== false) {
      for (const problem of this.#health.update(next.healthPlan)) this.#deps.logger.warn(`health: ${problem}`)
      // Deployed, draining, reaped: raised once, by the primary, whatever made the change.
      for (const e of generationChanges(plansBefore, this.generationPlans())) this.events.emit(e)
    }
    if (previous !== null) for (const w of previous.logWriters) void this.#logs.release(w)
    if (listenersBefore !== null) this.#logListenerChanges(listenersBefore)
    if (this.afterApply !== null) await this.afterApply(next)
    return ok(next)
  }

  /** After a change (not at start, which prints its own list): which listeners opened or closed. */
  #logListenerChanges(before: readonly ListenerLabel[]): void {
    const { opened, closed } = listenerChanges(before, this.listeners())
    for (const l of opened) this.#deps.logger.info(`listening: virtual server "${l.virtualServer}" on ${l.url}`, { listener: 'opened', ...l })
    for (const l of closed) this.#deps.logger.info(`stopped listening: virtual server "${l.virtualServer}" on ${l.url}`, { listener: 'closed', ...l })
  }

  #retainStatuses(snapshot: Snapshot): void {
    const keep = new Map<string, Set<string>>()
    for (const pool of snapshot.pools.values()) keep.set(pool.name, new Set(pool.nodes.map((n) => n.id)))
    this.#statuses.retain(keep)
    this.#dns.retain(keep)
    const tlsScopes = new Set(['*'])
    for (const vs of snapshot.virtualServers.values()) if (vs.tls !== null) tlsScopes.add(vs.name)
    this.#tls.retain(tlsScopes)
  }

  #sourceFor(virtualServer: string): ServiceSource {
    let source = this.#sources.get(virtualServer)
    if (source === undefined) {
      source = { current: () => this.#snapshot?.virtualServers.get(virtualServer)?.http ?? null }
      this.#sources.set(virtualServer, source)
    }
    return source
  }

  #accept(socket: Socket, virtualServer: string): void {
    const entry = this.#snapshot?.virtualServers.get(virtualServer)
    const open = this.#connections.get(virtualServer) ?? 0
    const counters = this.stats.virtualServer(virtualServer)
    if (entry === undefined || (entry.maxConcurrentConnections > 0 && open >= entry.maxConcurrentConnections)) {
      counters.connectionsRefused++
      socket.on('error', () => undefined)
      socket.destroy()
      return
    }
    // Plain HTTP connections read into a buffer of their own (see net/owned-reads.ts).
    let reads: OwnedReads | null = null
    if (entry.tls === null && entry.http !== null) {
      const owned = new OwnedReads()
      const adopted = adoptWithOwnedReads(socket, owned)
      if (adopted !== null) {
        socket = adopted
        reads = owned
      }
    }
    this.#connections.set(virtualServer, open + 1)
    counters.connectionOpened()
    socket.once('close', () => {
      counters.connectionClosed()
      this.#connections.set(virtualServer, (this.#connections.get(virtualServer) ?? 1) - 1)
    })
    if (entry.protection !== null && !this.#protect(socket, entry, entry.protection)) {
      counters.connectionsRefused++
      return
    }
    if (entry.tls === null) {
      this.#start(socket, entry, '', reads)
      return
    }
    this.#handshaking.add(socket)
    socket.once('close', () => this.#handshaking.delete(socket))
    entry.tls.accept(socket, this.#secureHandlerFor(virtualServer))
  }

  /**
   * Counts the connection against its virtual server's protection class. A TCP virtual server's
   * connection is checked here (address, connection limits, connection rate) and dropped when
   * it fails; an HTTP one is checked by the `protection` phase, where each request counts
   * towards the rate and a refusal can get an error page.
   */
  #protect(socket: Socket, entry: VirtualServerEntry, guard: ProtectionClass): boolean {
    const ip = plainClientIp(socket.remoteAddress ?? '')
    const state = guard.state
    state.opened(ip)
    socket.once('close', () => {
      state.closed(ip)
    })
    if (entry.http !== null) return true
    const nowMs = this.#deps.clock.monoMs()
    const reason = guard.connectionVerdict(ip) ?? guard.rateVerdict(ip, nowMs)
    if (reason === null || !guard.refuse(reason, ip, nowMs)) return true
    socket.on('error', () => undefined)
    socket.destroy()
    return false
  }

  /** One handler per virtual server, so the TLS terminators of every snapshot share it. */
  #secureHandlerFor(virtualServer: string): SecureHandler {
    let handler = this.#secureHandlers.get(virtualServer)
    if (handler === undefined) {
      handler = (secure: TLSSocket) => {
        const entry = this.#snapshot?.virtualServers.get(virtualServer)
        if (entry === undefined) {
          secure.destroy()
          return
        }
        const name = (secure as TLSSocket & { servername?: unknown }).servername
        this.#start(secure, entry, typeof name === 'string' ? name : '')
      }
      this.#secureHandlers.set(virtualServer, handler)
    }
    return handler
  }

  /** Hands a (plain or decrypted) client socket to its engine. */
  #start(socket: Socket, entry: VirtualServerEntry, serverName: string, reads: OwnedReads | null = null): void {
    if (entry.http !== null) {
      const source = this.#sourceFor(entry.name)
      const h2 = source.current()?.http2 ?? null
      if (h2 !== null && (socket as Socket & { alpnProtocol?: unknown }).alpnProtocol === 'h2') {
        this.#h2.accept(socket, h2, source, null)
        return
      }
      const client = new Http1ServerCodec(socket, this.#engine, source, reads, h2 === null ? null : this.#h2)
      this.#clients.add(client)
      socket.once('close', () => this.#clients.delete(client))
      return
    }
    if (entry.stream !== null) {
      const deps = { clock: this.#deps.clock, sweeper: this.#sweeper, closeLingerMs: this.#engine.closeLingerMs, counters: this.stats.virtualServer(entry.name) }
      const stream = new StreamConnection(socket, entry.stream, deps, serverName)
      this.#streams.add(stream)
      socket.once('close', () => this.#streams.delete(stream))
      return
    }
    socket.on('error', () => undefined)
    socket.destroy()
  }

  #datagram(msg: Buffer, from: RemoteInfo, socket: DgramSocket, virtualServer: string): void {
    const udp = this.#snapshot?.virtualServers.get(virtualServer)?.udp
    if (udp === undefined || udp === null) return
    if (udp.kind === 'dns') this.#dns.handle(msg, from, socket, udp)
    else this.#udp.handle(msg, from, socket, udp)
  }

  bound(): BoundAddress[] {
    return this.#listeners.bound()
  }

  /** How listeners bind from the next apply on (several workers: SO_REUSEPORT, shared ports). */
  shareListeners(sharing: SharedListening): void {
    this.#listeners.sharing = sharing
  }

  /** The port each port-0 listener got, by listener key (for the other workers). */
  chosenPorts(): Map<string, number> {
    return this.#listeners.chosenPorts()
  }

  /** A health monitor's verdict reached in the primary (a worker runs no monitors). */
  setNodeHealth(pool: string, node: string, isAlive: boolean, reason: string): void {
    this.#statuses.find(pool, node)?.setMonitorVerdict(isAlive, reason, this.#deps.clock.monoMs())
  }

  /** Passive monitoring failed (or restored) a node in another worker. */
  setPassiveFailure(pool: string, node: string, isFailed: boolean, forMs: number): void {
    this.#statuses.find(pool, node)?.applyPassiveFailure(isFailed, forMs, this.#deps.clock.monoMs())
  }

  /** Every node's monitor verdict, for a worker that starts after the monitors have spoken. */
  nodeHealth(): { pool: string; node: string; isAlive: boolean; reason: string }[] {
    const out: { pool: string; node: string; isAlive: boolean; reason: string }[] = []
    for (const [pool, node, s] of this.#statuses.entries()) if (!s.isAlive) out.push({ pool, node, isAlive: false, reason: s.deadReason })
    return out
  }

  /** With several workers: `share` hears of every TLS session this worker's caches store. */
  shareTlsSessions(share: (scope: string, id: string, data: Buffer) => void): void {
    this.#tls.shareSessions = share
  }

  /** A TLS session another worker stored. */
  applyTlsSession(scope: string, id: string, data: Buffer): void {
    this.#tls.storeCopy(scope, id, data)
  }

  /** Subscribes to monitor verdicts that change whether a node takes traffic. */
  onNodeHealth(listener: (pool: string, node: string, isAlive: boolean, reason: string) => void): void {
    this.#healthListeners.push(listener)
  }

  /** Every bound address as a URL with its scheme (`https://`, `tcp://`, `udp://`, ...). */
  listeners(): ListenerLabel[] {
    return this.bound().map((b) => ({ url: listenerUrl(b, this.#snapshot?.virtualServers.get(b.virtualServer)), virtualServer: b.virtualServer }))
  }

  /** Open client connections across all virtual servers. */
  get openConnections(): number {
    let n = 0
    for (const v of this.#connections.values()) n += v
    return n
  }

  /** Stops accepting, waits up to `drainMs` for open connections to finish, then closes the rest. */
  async stop(drainMs: number): Promise<void> {
    this.#engine.lifecycle.isDraining = true
    await this.#listeners.close()
    const deadline = this.#deps.clock.monoMs() + drainMs
    for (const c of this.#clients) c.closeIfIdle()
    this.#h2.closeAll()
    for (const s of this.#handshaking) s.destroy()
    this.#udp.close()
    this.#dns.close()
    while (this.#clients.size + this.#streams.size + this.#h2.size > 0 && this.#deps.clock.monoMs() < deadline) {
      await new Promise((r) => setTimeout(r, 20))
    }
    for (const c of this.#clients) c.destroy()
    this.#h2.destroyAll()
    for (const s of this.#streams) s.destroy()
    this.#sweeper.stop()
    await this.#health.stop()
    this.serviceLevels.close()
    this.#statuses.closeIdle()
    await this.#logs.closeAll()
  }
}
