/**
 * One Sluice as a member of a cluster (issue #16, docs/cluster.md): its configuration kept equal
 * to the cluster's through the shared store (versioned, compare-and-set, applied whole), its
 * heartbeat and statistics published, persistence mappings shared, and rate classes divided
 * among the live members. The member serves on its own configuration directory whatever the
 * store does: the store only ever changes that directory through a validated, applied version.
 * @module
 */
import { readFileSet, restoreFiles, type ApplyTarget, type FileSet } from '../api/index.ts'
import type { Diagnostic, ValidConfig } from '../config/index.ts'
import { errorMessage, type EventInput, type Logger } from '../core/index.ts'
import type { StatsCapture } from '../stats/index.ts'
import { ClusterStore, MEMBER_TTL_S } from './cluster-store.ts'
import { decodeConfigDoc, docFingerprint, encodeConfigDoc } from './config-doc.ts'
import { assignTrafficIps, trafficIpGroups } from './traffic-ip-plan.ts'
import { TrafficIpKeeper, type IpCommands } from './traffic-ip-keeper.ts'

/** What the member needs from the Sluice it is part of. */
export interface MemberHost {
  readonly configDir: string
  readonly logger: Logger
  emit(e: EventInput): void
  /** Runs `work` between configuration changes, never during one (the API editor's queue). */
  exclusive<T>(work: () => Promise<T>): Promise<T>
  /** The configuration running now. */
  running(): ValidConfig | null
  /** Applies a configuration to traffic (the App's apply, with the workers). */
  apply(config: ValidConfig): Promise<{ ok: true } | { ok: false; error: Diagnostic[] }>
  /** Loads and validates the directory, then applies it; the problem, or null when it runs. */
  applyDirectory(): Promise<string | null>
  /** This Sluice's statistics, its workers summed. */
  statistics(): Promise<StatsCapture>
  /** Mappings another member made: [class, key, node or null]. */
  applySessions(batch: readonly (readonly [string, string, string | null])[]): void
  /** The number of live members changed (rate and bandwidth classes divide by it). */
  membersChanged(live: number): void
  /** Facts for the heartbeat (listeners, workers, API address). */
  facts(): Record<string, unknown>
}

export interface MemberOptions {
  readonly url: string
  readonly name: string
  readonly version: string
  readonly host: MemberHost
  /** Milliseconds between heartbeats (and looks at the other members). */
  readonly heartbeatMs?: number
  /** Milliseconds between two batches of persistence mappings sent. */
  readonly sessionFlushMs?: number
  /** How traffic IPs are raised (tests may replace `ip` and `arping`). */
  readonly ipCommands?: IpCommands
}

/** Most mappings read from the store when a member starts. */
const STARTUP_SESSIONS = 200_000
/** Seconds a stored mapping lives without being made again (persistence tables forget sooner). */
const SESSION_TTL_S = 3600

export class ClusterMember {
  readonly name: string
  readonly #store: ClusterStore
  readonly #host: MemberHost
  readonly #version: string
  readonly #heartbeatMs: number
  readonly #flushMs: number
  /** The version of the cluster's configuration this member runs (0: none yet). */
  #configVersion = 0
  /** The fingerprint of that version's document (the directory matches it when in sync). */
  #configPrint = ''
  /** A version this member could not apply, and why. */
  #failed: { version: number; reason: string } | null = null
  #timers: NodeJS.Timeout[] = []
  #pending: [string, string, string | null][] = []
  #liveMembers = 1
  readonly #startedWallMs = Date.now()
  #stopped = false
  readonly #url: string
  readonly #ips: TrafficIpKeeper

  constructor(o: MemberOptions) {
    this.name = o.name
    this.#host = o.host
    this.#version = o.version
    this.#url = o.url
    this.#heartbeatMs = o.heartbeatMs ?? 1000
    this.#flushMs = o.sessionFlushMs ?? 100
    this.#ips = new TrafficIpKeeper(
      {
        raised: (ip, dev) => {
          this.#event('info', 'ipraised', `raised traffic IP ${ip} on ${dev}`)
        },
        lowered: (ip, dev) => {
          this.#event('info', 'iplowered', `lowered traffic IP ${ip} from ${dev}`)
        },
        failed: (ip, reason) => {
          this.#event('serious', 'ipfailed', `cannot raise traffic IP ${ip}: ${reason}`)
        },
      },
      o.ipCommands,
    )
    this.#store = new ClusterStore(o.url, {
      up: () => {
        this.#event('info', 'redisup', `the cluster's store (${redactedUrl(this.#url)}) is reachable; resynchronising`)
        void this.sync('the store came back')
      },
      down: (reason) => {
        this.#event('serious', 'redisdown', `the cluster's store (${redactedUrl(this.#url)}) is unreachable (${reason}); serving on configuration version ${String(this.#configVersion)}, changes refused until it returns`)
      },
      configChanged: (version) => {
        if (version > this.#configVersion) void this.sync(`version ${String(version)} was stored`)
      },
      sessions: (from, batch) => {
        if (from !== this.name) this.#host.applySessions(batch)
      },
    })
  }

  /** Connects (without waiting for the store: the member serves either way) and starts its timers. */
  async start(): Promise<void> {
    await this.#store.connect()
    this.#timers.push(setInterval(() => void this.#beat(), this.#heartbeatMs))
    this.#timers.push(setInterval(() => void this.#flushSessions(), this.#flushMs))
    for (const t of this.#timers) t.unref()
    if (this.#store.isUp) await this.#loadSessions()
    else this.#event('serious', 'redisdown', `the cluster's store (${redactedUrl(this.#url)}) is unreachable at start; serving on this member's configuration directory, changes refused until it is reached`)
    await this.#beat()
  }

  async stop(): Promise<void> {
    this.#stopped = true
    for (const t of this.#timers) clearInterval(t)
    // The others raise this member's addresses once its heartbeat has expired.
    await this.#ips.update(new Set())
    await this.#flushSessions()
    await this.#store.close()
  }

  get isStoreUp(): boolean {
    return this.#store.isUp
  }

  get configVersion(): number {
    return this.#configVersion
  }

  // ---- the configuration ---------------------------------------------------------------------

  /**
   * Where the API applies its changes: locally first, then stored as the next version. A change
   * that lost the race to another member's is taken back (409 for the client) and the other's
   * is applied instead.
   */
  applyTarget(): ApplyTarget {
    return {
      apply: async (config) => {
        const before = this.#host.running()
        const applied = await this.#host.apply(config)
        if (!applied.ok) return applied
        const published = await this.#publishLocal()
        if (published !== 'conflict') return applied
        if (before !== null) await this.#host.apply(before)
        setImmediate(() => void this.sync('a change lost a race'))
        const reason = `another member changed the configuration first (the cluster is at version ${String(this.#configVersion + 1)} or later); this change was not applied anywhere: read the object again and retry`
        return { ok: false, conflict: true, error: [{ objectType: '', objectName: '', reason }] }
      },
    }
  }

  /** The directory was reloaded and applied (an edit, SIGHUP): the cluster gets it as the next version. */
  async localReloaded(): Promise<void> {
    const result = await this.#publishLocal()
    if (result !== 'conflict') return
    this.#event('warn', 'configconflict', 'a change to the configuration directory lost a race with another member\'s change, which replaces it')
    await this.#syncNow('a local change lost a race')
  }

  /** Why the API must refuse changes now, or null. */
  refusal(): string | null {
    return this.#store.isUp ? null : `this Sluice is a cluster member and the cluster's store (${redactedUrl(this.#url)}) is unreachable: changes are refused so that members cannot diverge; it keeps serving configuration version ${String(this.#configVersion)}`
  }

  /** Brings this member to the store's configuration (or the store to this member's). */
  sync(why: string): Promise<void> {
    return this.#host.exclusive(() => this.#syncNow(why)).catch((e: unknown) => {
      this.#host.logger.warn(`cluster: synchronising (${why}) failed: ${errorMessage(e)}`)
    })
  }

  async #syncNow(why: string): Promise<void> {
    if (this.#stopped || !this.#store.isUp) return
    const stored = await this.#store.readConfig()
    const files = await readFileSet(this.#host.configDir)
    const localDoc = encodeConfigDoc(files)
    const localPrint = docFingerprint(localDoc)
    if (stored === null) {
      // An empty store: this member's configuration is the cluster's first version.
      const r = await this.#store.compareAndSet(0, localDoc)
      if (r.ok) this.#synced(r.version, localPrint)
      else await this.#syncNow(why)
      return
    }
    const storedPrint = docFingerprint(stored.doc)
    if (storedPrint === localPrint) {
      this.#synced(stored.version, storedPrint)
      return
    }
    // The store has not moved since this member last matched it: what differs is a local change
    // made while the store was unreachable, and it becomes the next version.
    if (this.#configVersion > 0 && stored.version === this.#configVersion && localPrint !== this.#configPrint) {
      const r = await this.#store.compareAndSet(stored.version, localDoc)
      if (r.ok) {
        this.#synced(r.version, localPrint)
        this.#event('info', 'configpushed', `a change made while the store was unreachable is now the cluster's version ${String(r.version)}`)
        return
      }
      return this.#syncNow(why)
    }
    if (this.#failed?.version === stored.version) return
    await this.#take(stored.version, stored.doc, files, why)
  }

  /** Writes version `version` into the directory and applies it; puts the directory back if it cannot run. */
  async #take(version: number, doc: string, before: FileSet, why: string): Promise<void> {
    const next = decodeConfigDoc(doc)
    if (next === null) {
      this.#fail(version, 'the stored document is not a configuration')
      return
    }
    const hadLocalChange = this.#configPrint !== '' && docFingerprint(encodeConfigDoc(before)) !== this.#configPrint
    const writes = new Map<string, Buffer | undefined>()
    for (const path of new Set([...before.keys(), ...next.keys()])) writes.set(path, next.get(path))
    const written = await restoreFiles(this.#host.configDir, writes)
    const problem = written.length > 0 ? written.join('; ') : await this.#host.applyDirectory()
    if (problem !== null) {
      const back = new Map<string, Buffer | undefined>()
      for (const path of writes.keys()) back.set(path, before.get(path))
      await restoreFiles(this.#host.configDir, back)
      this.#fail(version, problem)
      return
    }
    this.#synced(version, docFingerprint(doc))
    if (hadLocalChange) this.#event('warn', 'configreplaced', `a local change to the configuration directory was replaced by the cluster's version ${String(version)}`)
    this.#host.logger.info(`cluster: configuration version ${String(version)} applied (${why})`)
  }

  #synced(version: number, print: string): void {
    this.#configVersion = version
    this.#configPrint = print
    if (this.#failed !== null && this.#failed.version <= version) {
      this.#failed = null
      this.#event('info', 'configok', `configuration version ${String(version)} runs`)
    }
  }

  #fail(version: number, reason: string): void {
    this.#failed = { version, reason }
    this.#event('serious', 'configfailed', `configuration version ${String(version)} cannot run on this member: ${reason}; it keeps version ${String(this.#configVersion)}`)
  }

  /** Stores the directory as the next version: 'done', 'same' (nothing new), 'conflict' or 'offline'. */
  async #publishLocal(): Promise<'done' | 'same' | 'conflict' | 'offline'> {
    const doc = encodeConfigDoc(await readFileSet(this.#host.configDir))
    const print = docFingerprint(doc)
    if (print === this.#configPrint) return 'same'
    if (!this.#store.isUp) return 'offline'
    try {
      const r = await this.#store.compareAndSet(this.#configVersion, doc)
      if (!r.ok) return 'conflict'
      this.#synced(r.version, print)
      return 'done'
    } catch {
      // Lost mid-change: the store resynchronises from this member's directory when it returns.
      return 'offline'
    }
  }

  // ---- members, statistics, sessions ----------------------------------------------------------

  async #beat(): Promise<void> {
    if (this.#stopped || !this.#store.isUp) return
    try {
      await this.#store.heartbeat(this.name, this.#info())
      const members = await this.#store.members()
      const liveNames = [...members].filter(([, info]) => info !== null).map(([name]) => name)
      const live = liveNames.length
      await this.#raiseTrafficIps(liveNames)
      if (live !== this.#liveMembers && live > 0) {
        this.#liveMembers = live
        this.#host.membersChanged(live)
      }
      await this.#store.putStatistics(this.name, await this.#host.statistics(), MEMBER_TTL_S)
    } catch (e: unknown) {
      this.#host.logger.debug(`cluster: heartbeat failed: ${errorMessage(e)}`)
    }
  }

  /** Raises the traffic IPs assigned to this member and lowers the others (only with groups configured). */
  async #raiseTrafficIps(live: readonly string[]): Promise<void> {
    const config = this.#host.running()
    if (config === null) return
    const groups = trafficIpGroups(config)
    if (groups.length === 0 && this.#ips.held().length === 0) return
    const wanted = new Set<string>()
    for (const [ip, member] of assignTrafficIps(groups, live)) if (member === this.name) wanted.add(ip)
    await this.#ips.update(wanted)
  }

  #info(): Record<string, unknown> {
    return {
      name: this.name,
      sluice_version: this.#version,
      config_version: this.#configVersion,
      config_error: this.#failed === null ? null : `version ${String(this.#failed.version)}: ${this.#failed.reason}`,
      traffic_ips: this.#ips.held(),
      started: new Date(this.#startedWallMs).toISOString(),
      seen: new Date().toISOString(),
      ...this.#host.facts(),
    }
  }

  /** A mapping this Sluice made (or deleted: node null); sent with the next batch. */
  sessionChanged(cls: string, key: string, node: string | null): void {
    if (this.#pending.length < 100_000) this.#pending.push([cls, key, node])
  }

  async #flushSessions(): Promise<void> {
    if (this.#pending.length === 0 || !this.#store.isUp) return
    const batch = this.#pending
    this.#pending = []
    try {
      await this.#store.publishSessions(this.name, batch, SESSION_TTL_S)
    } catch {
      // Lost with the store: the members that heard nothing balance those clients afresh.
    }
  }

  async #loadSessions(): Promise<void> {
    try {
      this.#host.applySessions(await this.#store.storedSessions(STARTUP_SESSIONS))
    } catch (e: unknown) {
      this.#host.logger.warn(`cluster: could not read the stored sessions: ${errorMessage(e)}`)
    }
  }

  // ---- the view -------------------------------------------------------------------------------

  /** This member's problems (for the state resource). */
  problems(): string[] {
    const out: string[] = []
    if (!this.#store.isUp) out.push(`cluster: the store ${redactedUrl(this.#url)} is unreachable; serving configuration version ${String(this.#configVersion)}`)
    if (this.#failed !== null) out.push(`cluster: configuration version ${String(this.#failed.version)} cannot run here: ${this.#failed.reason}`)
    return out
  }

  async status(): Promise<Record<string, unknown>> {
    const base = { member: this.name, store: { url: redactedUrl(this.#url), state: this.#store.isUp ? 'up' : 'down' }, config_version: this.#configVersion, config_error: this.#failed?.reason ?? null }
    if (!this.#store.isUp) return { ...base, members: [{ ...this.#info(), alive: true }] }
    const stored = await this.#store.readConfig().catch(() => null)
    const members = await this.#store.members().catch(() => new Map<string, Record<string, unknown> | null>())
    return {
      ...base,
      cluster_config_version: stored?.version ?? 0,
      members: [...members].map(([name, info]) => (info === null ? { name, alive: false } : { ...info, alive: true, in_sync: info['config_version'] === stored?.version })),
    }
  }

  /** The other live members' statistics. */
  async memberStatistics(): Promise<{ member: string; capture: StatsCapture }[]> {
    if (!this.#store.isUp) return []
    const members = await this.#store.members()
    const live = [...members].filter(([name, info]) => info !== null && name !== this.name).map(([name]) => name)
    const all = await this.#store.statistics(live)
    return [...all].map(([member, capture]) => ({ member, capture: capture as StatsCapture }))
  }

  #event(severity: EventInput['severity'], name: string, message: string): void {
    this.#host.emit({ severity, category: 'cluster', name, objects: { member: this.name }, message: `cluster member ${this.name}: ${message}` })
  }
}

/** The store's URL without its password. */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password !== '') u.password = '***'
    return u.toString()
  } catch {
    return 'redis://?'
  }
}
