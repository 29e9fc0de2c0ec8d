/**
 * The composition root: one running Sluice. It puts the planes together — the App (data plane,
 * snapshots, runtime state), the event file and actions, the REST API and web UI, and the
 * reloads (SIGHUP, a changed directory) — and takes them apart in order. The command line
 * (cli/start.ts) reads options, prints, and handles signals; nothing here parses arguments.
 * @module
 */
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { App, DEFAULT_CLOSE_LINGER_MS, type WorkerSharing } from './app.ts'
import { ApiServer, configFingerprint, ensureFirstAdmin, sluiceStateDir, type ApiAddress, type RuleTester } from './api/index.ts'
import { ReloadQueue, describeConfigDiff, diffConfigs, formatDiagnostic, watchConfigDir, type Diagnostic, type ValidConfig } from './config/index.ts'
import { err, errorMessage, ok, systemClock, systemRandom, type Logger, type Result } from './core/index.ts'
import { GenerationWatch, loadGenerationState, saveGenerationState } from './generations/index.ts'
import type { ClusterMember } from './cluster/index.ts'
import { clusterSecrets, clusterView, makeMember, type ClusterPlan } from './cluster-host.ts'
import { ActionRunner, keepEventsIn } from './events/index.ts'
import type { ListenerLabel } from './net/index.ts'
import { BANDWIDTH_SLOTS, NODE_SLOT_CAPACITY, NodeSlots, slmSlot } from './pool/index.ts'
import { AddressTable, SLM_INTS, SharedTokens, rateShaper } from './protect/index.ts'
import { diagnoseConfigDir } from './snapshot/index.ts'
import { SharedDataStore, WorkerGroup, cacheEntryFromWire, cacheEntryToWire, type SharedNews, type WorkerConfig } from './workers/index.ts'
import type { CacheEntry } from './cache/index.ts'

/** Where and how the REST API listens. */
export interface ApiPlan {
  readonly address: ApiAddress
  readonly tls?: { cert: Buffer; key: Buffer }
  /** Names clients use for the API besides its address and loopback names (the Host check). */
  readonly hostNames: readonly string[]
  /** The address was chosen by the user: failing to listen there stops the start. */
  readonly isExplicit: boolean
}

export interface ServerOptions {
  readonly configDir: string
  /** The configuration to start with (already diagnosed). */
  readonly config: ValidConfig
  /** The built-in quick-start configuration: read-only, no user made, no event file. */
  readonly isBuiltIn: boolean
  readonly logger: Logger
  readonly version: string
  /** Null: no REST API. */
  readonly api: ApiPlan | null
  /** Runs `sluice rule test` for the API's rule-test resource. */
  readonly ruleTester: RuleTester
  /** Told of every applied reload (for systemd's STATUS=). */
  readonly onApplied?: (version: number, why: string) => void
  /** Data-plane workers in all, this thread included (1: this thread alone, as before issue #15). */
  readonly workers?: number
  /** Join a cluster on a shared store (issue #16); absent: Sluice runs alone. */
  readonly cluster?: ClusterPlan
}

/** How often a worker says it is alive. */
const HEARTBEAT_MS = 1000
/** Seconds between saves of the generations' sessions (and at stop). */
const GENERATION_SAVE_S = 5

/** The primary's side of sharing with its workers, made before the App so the App is built with it. */
class PrimarySharing {
  readonly nodeCounts = NodeSlots.allocate()
  readonly slots = new NodeSlots(this.nodeCounts, NodeSlots.allocate(), true)
  readonly secret: Buffer
  readonly addressBuffers = AddressTable.allocate()
  readonly addresses = new AddressTable(this.addressBuffers, 1)
  readonly bandwidthBuffers = SharedTokens.allocate(NODE_SLOT_CAPACITY)
  readonly slmBuffer = new SharedArrayBuffer(NODE_SLOT_CAPACITY * SLM_INTS * 4)
  group: WorkerGroup | null = null
  data: SharedDataStore | null = null
  constructor(secret: Buffer | null) {
    this.secret = secret ?? randomBytes(32)
  }

  /** A cluster member: told of the mappings the workers make. */
  onSessionNews: ((cls: string, key: string, node: string | null) => void) | null = null

  forApp(): WorkerSharing {
    this.slots.onPassiveChange = (pool, node, isFailed, forMs) => {
      this.group?.tell({ t: 'passive', pool, node, isFailed, forMs })
    }
    return {
      slots: this.slots,
      sessions: {
        secret: this.secret,
        onChange: (cls, key, node) => {
          this.group?.tell({ t: 'session', cls, key, node })
        },
      },
      dataStore: (maxBytes) => {
        this.data = new SharedDataStore(maxBytes, (change) => {
          this.group?.tell({ t: 'data', change })
        })
        return this.data
      },
      runsMonitors: true,
      addresses: this.addresses,
      bandwidth: { buffers: this.bandwidthBuffers, slotFor: (name) => this.slots.slotFor(BANDWIDTH_SLOTS, name) },
      serviceLevels: { buffer: this.slmBuffer, slotFor: (name) => slmSlot(this.slots, name) },
    }
  }
}

/** What the workers need to take `app`'s current configuration. */
function workerConfig(app: App, slots: NodeSlots): WorkerConfig | null {
  const snapshot = app.snapshot
  if (snapshot === null) return null
  return { config: snapshot.config, placements: slots.placements(), ports: [...app.chosenPorts()] }
}

/** News from one worker, applied to the primary's App. */
function applyNews(app: App, sharing: PrimarySharing, news: SharedNews): void {
  if (news.t === 'cache') app.webCache.putCopy(news.owner, news.key, cacheEntryFromWire(news.entry, systemClock.monoMs()) as unknown as CacheEntry)
  else if (news.t === 'cache-invalidate') app.webCache.invalidateCopy(news.key)
  else if (news.t === 'tls-session') app.applyTlsSession(news.scope, news.id, Buffer.from(news.data))
  else if (news.t === 'passive') app.setPassiveFailure(news.pool, news.node, news.isFailed, news.forMs)
  else if (news.t === 'session') {
    app.persistence.applyRemote(news.cls, news.key, news.node, systemClock.monoMs())
    sharing.onSessionNews?.(news.cls, news.key, news.node)
  }
  else if (news.t === 'data') sharing.data?.applyRemote(news.change)
}

/**
 * Starts `workers - 1` worker threads beside `app` (already applied), each on its configuration.
 * Returns why they could not start.
 */
async function startWorkers(app: App, sharing: PrimarySharing, workers: number, logger: Logger): Promise<Result<WorkerGroup, string>> {
  const first = workerConfig(app, sharing.slots)
  if (first === null) return err('no configuration applied')
  const stallMs = first.config.globalSettings.watchdog.timeout * 1000
  const group = new WorkerGroup({
    extra: workers - 1,
    // The sources run as .ts; the package runs the compiled .js beside this file.
    entry: new URL(import.meta.url.endsWith('.ts') ? './worker-thread.ts' : './worker-thread.js', import.meta.url),
    start: {
      nodeCounts: sharing.nodeCounts,
      addressTable: sharing.addressBuffers,
      bandwidth: sharing.bandwidthBuffers,
      serviceLevels: sharing.slmBuffer,
      persistenceSecret: sharing.secret,
      generationSecret: app.generations.secret,
      heartbeatMs: HEARTBEAT_MS,
      closeLingerMs: DEFAULT_CLOSE_LINGER_MS,
    },
    stallMs,
    host: {
      logger,
      emit: app.events.emit,
      applyNews: (news) => {
        applyNews(app, sharing, news)
      },
      current: () => workerConfig(app, sharing.slots),
      rates: rateShaper(app.rates),
      // A dead worker's connections are gone: every survivor's own counts are the truth again.
      reclaimed: () => {
        void group.addressCounts().then((theirs) => {
          const all = new Map<number, Map<string, number>>()
          for (const counts of [app.protection.ownCounts(), ...theirs]) {
            for (const [cls, byIp] of counts) {
              const into = all.get(cls) ?? new Map<string, number>()
              all.set(cls, into)
              for (const [ip, n] of byIp) into.set(ip, (into.get(ip) ?? 0) + n)
            }
          }
          app.protection.recount(all)
        })
      },
      sessionsNow: () => app.persistence.dump('', systemClock.monoMs()),
      deadNodes: () => app.nodeHealth().map((h) => ({ t: 'health', pool: h.pool, node: h.node, isAlive: false, reason: h.reason })),
    },
  })
  sharing.group = group
  app.webCache.replicate = {
    put: (owner, key, entry) => {
      group.tell({ t: 'cache', owner, key, entry: cacheEntryToWire(entry, systemClock.monoMs()) })
    },
    invalidate: (key) => {
      group.tell({ t: 'cache-invalidate', key })
    },
  }
  app.shareTlsSessions((scope, id, data) => {
    group.tell({ t: 'tls-session', scope, id, data })
  })
  app.onNodeHealth((pool, node, isAlive, reason) => {
    group.tell({ t: 'health', pool, node, isAlive, reason })
  })
  const problem = await group.start(first)
  if (problem !== null) {
    await group.stop(0)
    return err(`the workers could not start: ${problem}`)
  }
  app.workers = {
    statistics: () => group.statistics(),
    list: () => group.list(),
    restart: (index) => group.restart(index),
    purgeCaches: (vs, key, isPrefix) => group.purgeCaches(vs, key, isPrefix),
  }
  app.afterApply = async () => {
    const next = workerConfig(app, sharing.slots)
    if (next === null) return
    for (const p of await group.apply(next)) {
      app.events.emit({ severity: 'serious', category: 'config', name: 'confworker', objects: {}, message: `a worker could not apply the configuration: ${p}` })
    }
  }
  return ok(group)
}

export class SluiceServer {
  readonly app: App
  readonly #opts: ServerOptions
  readonly #actions: ActionRunner
  readonly #detachActions: () => void
  readonly #closeEvents: () => Promise<void>
  #api: ApiServer | null = null
  #apiOrigin = ''
  /** The other data-plane workers, when there are any. */
  workers: WorkerGroup | null = null
  #watcher: { close(): void } | null = null
  #reloads: ReloadQueue | null = null
  /** Where generations' key and sessions are saved; null for the built-in configuration. */
  #generationFile: string | null = null
  #generationTimer: NodeJS.Timeout | null = null
  /** This Sluice as a cluster member (issue #16); null when it runs alone. */
  #member: ClusterMember | null = null
  /** The sessions last saved, to skip writing when nothing changed. */
  #savedSessions = ''

  private constructor(opts: ServerOptions, app: App, closeEvents: () => Promise<void>) {
    this.#opts = opts
    this.app = app
    this.#closeEvents = closeEvents
    this.#actions = new ActionRunner({
      logger: opts.logger,
      objects: () => app.snapshot?.config.objects,
      configDir: opts.configDir,
      env: { PATH: process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin' },
    })
    this.#detachActions = this.#actions.attach(app.events)
  }

  /**
   * Applies the configuration, then starts the API and the reloads. Returns why it could not
   * start (everything begun is stopped again), or the running server.
   */
  static async start(opts: ServerOptions): Promise<Result<SluiceServer, readonly Diagnostic[] | string>> {
    const { logger } = opts
    const workers = opts.workers ?? 1
    // In a cluster the cookie keys are the cluster's, so a cookie one member set is read by all.
    const secrets = opts.cluster === undefined ? null : await clusterSecrets(opts.cluster.url)
    const sharing = workers > 1 ? new PrimarySharing(secrets?.persistence ?? null) : null
    // Generations' cookie key and sessions outlive the process (not for the built-in configuration).
    const generationFile = opts.isBuiltIn ? null : join(sluiceStateDir(opts.configDir), 'generations.json')
    const saved = generationFile === null ? null : await loadGenerationState(generationFile)
    if (saved?.problem != null) logger.warn(saved.problem)
    const generationSecret = secrets?.generations ?? saved?.state.secret
    const app = new App({
      ...(generationSecret === undefined ? {} : { generationSecret }),
      ...(secrets?.persistence == null ? {} : { persistenceSecret: secrets.persistence }),
      clock: systemClock,
      random: systemRandom,
      logger,
      programEnv: { PATH: process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin' },
      ...(sharing === null ? {} : { sharing: sharing.forApp() }),
    })
    // Workers share each port; so do cluster members on one host (the kernel spreads connections).
    if (sharing !== null || opts.cluster !== undefined) app.shareListeners({ reusePort: true, chosenPorts: new Map() })
    // The events of earlier runs, and every new one, in DIR/.sluice/events.log (not for the
    // built-in configuration, which lives among the program's files).
    const closeEvents = opts.isBuiltIn ? () => Promise.resolve() : await keepEventsIn(app.events, join(sluiceStateDir(opts.configDir), 'events.log'), logger)
    const applied = await app.apply(opts.config)
    if (!applied.ok) {
      await app.stop(0)
      await closeEvents()
      return err(applied.error)
    }
    if (saved != null) app.persistence.load(saved.state.sessions, systemClock.monoMs())
    const server = new SluiceServer(opts, app, closeEvents)
    server.#generationFile = generationFile
    server.#watchGenerations()
    if (sharing !== null) {
      const group = await startWorkers(app, sharing, workers, logger)
      if (!group.ok) {
        await server.stop(0)
        return err(group.error)
      }
      server.workers = group.value
    }
    if (opts.cluster !== undefined) {
      const member = makeMember(opts.cluster, {
        app,
        configDir: opts.configDir,
        logger,
        version: opts.version,
        workers: () => server.workers,
        apiOrigin: () => server.#apiOrigin,
        exclusive: (work) => (server.#api === null ? work() : server.#api.exclusive(work)),
      })
      server.#member = member
      if (sharing !== null) {
        sharing.onSessionNews = (cls, key, node) => {
          member.sessionChanged(cls, key, node)
        }
      }
    }
    const api = await server.#startApi()
    if (!api.ok) {
      await server.stop(0)
      return err(api.error)
    }
    // After the API, so the member's changes queue with the API's.
    await server.#member?.start()
    server.#startReloads()
    return ok(server)
  }

  /** The API's origin (`http://127.0.0.1:9070`), or '' when it does not run. */
  get apiOrigin(): string {
    return this.#apiOrigin
  }

  listeners(): ListenerLabel[] {
    return this.app.listeners()
  }

  /** Asks for a reload of the configuration directory (SIGHUP); bursts become one reload. */
  reload(why: string): void {
    this.#reloads?.request(why)
  }

  /** Stops reloads and the API, drains traffic for up to `drainMs`, then everything else. */
  async stop(drainMs: number): Promise<void> {
    if (this.#generationTimer !== null) clearInterval(this.#generationTimer)
    await this.#member?.stop()
    await this.#saveGenerations()
    this.#watcher?.close()
    this.#reloads?.cancel()
    await this.#api?.close()
    this.#detachActions()
    await Promise.all([this.app.stop(drainMs), this.workers?.stop(drainMs)])
    await this.#actions.idle()
    await this.#closeEvents()
  }

  /**
   * Once a second: `drained` for draining generations with no session left; every
   * GENERATION_SAVE_S seconds the sessions are saved when they changed. Only while some virtual
   * server has generations.
   */
  #watchGenerations(): void {
    const watch = new GenerationWatch(this.app.events.emit)
    let ticks = 0
    this.#generationTimer = setInterval(() => {
      const plans = this.app.generationPlans()
      if (plans.length === 0) return
      watch.check(plans, systemClock.monoMs())
      if (++ticks % GENERATION_SAVE_S === 0) void this.#saveGenerations()
    }, 1000)
    this.#generationTimer.unref()
  }

  async #saveGenerations(): Promise<void> {
    const path = this.#generationFile
    if (path === null) return
    const sessions = this.app.persistence.dump('generations/', systemClock.monoMs())
    // Idle times change every save; the mappings alone say whether anything new happened.
    const shape = sessions.map((s) => `${s[0]}\u0000${s[1]}\u0000${s[2]}`).join('\n')
    if (shape === this.#savedSessions) return
    try {
      await saveGenerationState(path, { secret: this.app.generations.secret, sessions })
      this.#savedSessions = shape
    } catch (e: unknown) {
      this.#opts.logger.warn(`generations: cannot save sessions to ${path}: ${errorMessage(e)}`)
    }
  }

  async #startApi(): Promise<Result<null, string>> {
    const { api: plan, logger } = this.#opts
    if (plan === null) return ok(null)
    // The built-in configuration is read-only and lives in the source tree: no user is made there.
    if (!this.#opts.isBuiltIn) await this.#announceFirstAdmin()
    const api = new ApiServer({
      app: this.app,
      configDir: this.#opts.configDir,
      logger,
      clock: systemClock,
      address: plan.address,
      isReadOnly: this.#opts.isBuiltIn,
      version: this.#opts.version,
      hostNames: plan.hostNames,
      ruleTester: this.#opts.ruleTester,
      ...(plan.tls === undefined ? {} : { tls: plan.tls }),
      ...(this.#member === null ? {} : { applyTarget: this.#member.applyTarget(), cluster: clusterView(this.#member) }),
    })
    const started = await api.start()
    if (!started.ok) {
      if (plan.isExplicit) return err(`API: ${started.error}`)
      logger.warn(`the REST API is not running: ${started.error}`)
      return ok(null)
    }
    this.#api = api
    const h = started.value.host.includes(':') ? `[${started.value.host}]` : started.value.host
    this.#apiOrigin = `${plan.tls === undefined ? 'http' : 'https'}://${h}:${String(started.value.port)}`
    return ok(null)
  }

  /** Creates the first API user of a configuration, if it has none, and prints its password once. */
  async #announceFirstAdmin(): Promise<void> {
    const { configDir, logger } = this.#opts
    const first = await ensureFirstAdmin(configDir)
    if (!first.ok) {
      logger.warn(`no API user could be created (${first.error}); the API serves statistics only until one exists (sluice user add)`)
      return
    }
    if (first.value === null) return
    logger.info(`REST API: created user "${first.value.user}" with password ${first.value.password}`)
    logger.info(`  This is shown only now. Only its hash is kept (${first.value.file});`)
    logger.info(`  to choose another: sluice user add ${first.value.user} --config ${configDir}`)
  }

  #startReloads(): void {
    // Between API changes, never during one: a change written but not yet applied (or being
    // rolled back) is never read from the directory.
    const reload = (why: string) => {
      const api = this.#api
      return api === null ? this.#reloadNow(why) : api.exclusive(() => this.#reloadNow(why))
    }
    this.#reloads = new ReloadQueue(reload, () => systemClock.monoMs())
    this.#watcher = watchConfigDir(
      this.#opts.configDir,
      () => {
        this.#reloads?.request('directory changed')
      },
      this.#opts.logger,
    )
  }

  async #reloadNow(why: string): Promise<void> {
    const { app } = this
    const { configDir, logger } = this.#opts
    const next = await diagnoseConfigDir(configDir)
    // An API change is written and applied before this runs (see #startReloads), so it is found live.
    const current = app.snapshot?.config
    if (next.config !== null && current !== undefined && configFingerprint(next.config) === configFingerprint(current)) {
      if (why === 'SIGHUP') logger.info('SIGHUP: the configuration has not changed')
      return
    }
    const changes = next.config !== null && current !== undefined ? `: ${describeConfigDiff(diffConfigs(current, next.config))}` : ''
    const result = next.config === null ? err([...next.errors]) : await app.apply(next.config)
    const warnings = next.warnings.length === 0 ? '' : `; ${String(next.warnings.length)} warning(s):\n  ${next.warnings.map(formatDiagnostic).join('\n  ')}`
    if (result.ok) {
      await this.#member?.localReloaded()
      this.#opts.onApplied?.(result.value.version, why)
      app.events.emit({
        severity: next.warnings.length === 0 ? 'info' : 'warn',
        category: 'config',
        name: 'confok',
        objects: { directory: configDir },
        message: `configuration applied (version ${String(result.value.version)}, ${why})${changes}${warnings}`,
      })
      return
    }
    app.events.emit({
      severity: 'warn',
      category: 'config',
      name: 'confrejected',
      objects: { directory: configDir },
      message: `configuration change rejected (${why}); the previous configuration stays:\n  ${result.error.map(formatDiagnostic).join('\n  ')}${warnings}`,
    })
  }
}
