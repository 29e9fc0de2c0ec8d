/**
 * Runs the monitors a configuration asks for, reconciling on every reload, and turns probe
 * results into node and pool verdicts for the pool layer (`StatusSink`) and the event log.
 * @module
 */
import { errorMessage } from '../core/index.ts'
import type { Logger } from '../core/index.ts'
import type {
  HealthEvent, HealthEventKind, HealthEventSink, HealthSeverity, MonitorSpec, Probe, ProbeResult, StatusSink,
} from './types.ts'
import type { HealthTimers } from './timers.ts'
import { realTimers } from './timers.ts'
import { createProbe } from './probe-factory.ts'
import { parseNodeAddress } from './node-address.ts'
import { MonitorSchedule } from './monitor-schedule.ts'
import type { MonitorScheduleState, ScheduleTransition } from './monitor-schedule.ts'
import { specFingerprint } from './spec-fingerprint.ts'

/** What one pool wants monitored. */
export interface PoolHealthPlan {
  readonly pool: string
  /** Nodes to monitor, `host:port` as configured. Leave disabled nodes out. */
  readonly nodes: readonly string[]
  /** The pool's `basic.monitors`, resolved to specs. */
  readonly monitors: readonly MonitorSpec[]
}

/** The whole desired state; pools not listed are not monitored. */
export type HealthPlan = readonly PoolHealthPlan[]

/** Dependencies of a `HealthManager`. */
export interface HealthManagerDeps {
  readonly statusSink: StatusSink
  readonly onEvent?: HealthEventSink
  readonly logger?: Logger
  readonly timers?: HealthTimers
  /** Environment for `program` and `ping` monitors (default: a minimal PATH only). */
  readonly programEnv?: Readonly<Record<string, string>>
  /** Replaces the built-in probes (tests). */
  readonly createProbe?: (spec: MonitorSpec) => Probe
}

/** A node's current verdict as last reported to the sink. */
export interface NodeHealth {
  readonly alive: boolean
  readonly reason: string
}

const DEFAULT_PROGRAM_ENV: Readonly<Record<string, string>> = { PATH: '/usr/local/bin:/usr/bin:/bin' }

const SEVERITY: Readonly<Record<HealthEventKind, HealthSeverity>> = {
  nodefail: 'warn',
  nodeworking: 'info',
  pooldied: 'serious',
  poolok: 'info',
  monitorfail: 'warn',
  monitorok: 'info',
}

interface ScheduleEntry {
  readonly schedule: MonitorSchedule
  fingerprint: string
  /** Pools whose nodes this schedule decides. */
  pools: Set<string>
}

interface NodeVerdict {
  alive: boolean
  reason: string
  monitor: string
}

/**
 * Owns every monitor schedule. A schedule is shared by all pools that use the same monitor on
 * the same target (node, or machine for `poolwide`), and it keeps its consecutive-failure count
 * across `update` calls for as long as some pool still needs it.
 */
export class HealthManager {
  readonly #deps: HealthManagerDeps
  readonly #timers: HealthTimers
  readonly #schedules = new Map<string, ScheduleEntry>()
  /** pool -> node -> schedule keys deciding it. */
  #coverage = new Map<string, Map<string, string[]>>()
  readonly #verdicts = new Map<string, Map<string, NodeVerdict>>()
  readonly #poolDead = new Map<string, boolean>()
  #stopped = false

  constructor(deps: HealthManagerDeps) {
    this.#deps = deps
    this.#timers = deps.timers ?? realTimers
  }

  /**
   * Reconciles with `plan`: keeps schedules that remain (with their counters), starts new ones,
   * stops removed ones, and reports verdicts that change as a result. Returns a message for each
   * node or machine that could not be parsed (those are skipped).
   */
  update(plan: HealthPlan): string[] {
    if (this.#stopped) return ['health manager is stopped']
    const problems: string[] = []
    const wanted = new Map<string, { spec: MonitorSpec; label: string; pools: Set<string> }>()
    const coverage = new Map<string, Map<string, string[]>>()
    for (const entry of plan) {
      const nodes = coverage.get(entry.pool) ?? new Map<string, string[]>()
      coverage.set(entry.pool, nodes)
      for (const node of entry.nodes) if (!nodes.has(node)) nodes.set(node, [])
      for (const spec of entry.monitors) {
        const poolwide = spec.scope === 'poolwide'
        const labels = poolwide ? [spec.machine ?? ''] : [...nodes.keys()]
        for (const label of labels) {
          const key = `${spec.name}\u0000${spec.scope}\u0000${label}`
          const want = wanted.get(key) ?? { spec, label, pools: new Set<string>() }
          want.pools.add(entry.pool)
          wanted.set(key, want)
          for (const [node, keys] of nodes) {
            if ((poolwide || node === label) && !keys.includes(key)) keys.push(key)
          }
        }
      }
    }
    for (const [key, entry] of this.#schedules) {
      if (!wanted.has(key)) {
        this.#schedules.delete(key)
        void entry.schedule.stop()
      }
    }
    for (const [key, want] of wanted) {
      const fingerprint = specFingerprint(want.spec)
      const existing = this.#schedules.get(key)
      if (existing !== undefined) {
        existing.pools = want.pools
        if (existing.fingerprint !== fingerprint) {
          existing.fingerprint = fingerprint
          existing.schedule.replaceSpec(want.spec, this.#probeFor(want.spec))
        }
        continue
      }
      const target = parseNodeAddress(want.label, want.spec.type === 'ping')
      if (!target.ok) {
        problems.push(`monitor ${want.spec.name}: ${target.error}`)
        continue
      }
      const schedule = new MonitorSchedule(want.spec, this.#probeFor(want.spec), target.value, this.#timers,
        (s, result, transition) => {
          this.#onProbe(key, s, result, transition)
        })
      this.#schedules.set(key, { schedule, fingerprint, pools: want.pools })
      schedule.start()
    }
    const previous = this.#coverage
    this.#coverage = coverage
    this.#forgetUncovered(previous)
    this.#recompute(coverage.keys(), { monitor: '', reason: 'configuration changed' })
    return problems
  }

  /** Stops every schedule and waits for running probes to finish; no timers remain. */
  async stop(): Promise<void> {
    this.#stopped = true
    const entries = [...this.#schedules.values()]
    this.#schedules.clear()
    await Promise.all(entries.map((e) => e.schedule.stop()))
  }

  /** The verdict last reported for a node, or undefined when it is not monitored. */
  nodeHealth(pool: string, node: string): NodeHealth | undefined {
    const verdict = this.#verdicts.get(pool)?.get(node)
    return verdict === undefined ? undefined : { alive: verdict.alive, reason: verdict.reason }
  }

  /** Whether every monitored node of `pool` is dead. */
  isPoolDead(pool: string): boolean {
    return this.#poolDead.get(pool) ?? false
  }

  /** Every schedule's counters, for the API and tests. */
  monitorStates(): MonitorScheduleState[] {
    return [...this.#schedules.values()].map((e) => e.schedule.state())
  }

  #probeFor(spec: MonitorSpec): Probe {
    if (this.#deps.createProbe !== undefined) return this.#deps.createProbe(spec)
    return createProbe(spec, { programEnv: this.#deps.programEnv ?? DEFAULT_PROGRAM_ENV })
  }

  #onProbe(
    key: string,
    schedule: MonitorSchedule,
    result: ProbeResult,
    transition: ScheduleTransition | undefined,
  ): void {
    if (this.#stopped) return
    const name = schedule.spec.name
    if (schedule.spec.verbose) this.#deps.logger?.debug(`monitor ${name} ${schedule.target.label}: ${result.reason}`)
    if (transition === undefined) return
    const entry = this.#schedules.get(key)
    if (entry?.schedule !== schedule) return
    for (const pool of entry.pools) {
      this.#emit({
        kind: transition === 'failed' ? 'monitorfail' : 'monitorok',
        pool,
        node: schedule.target.label,
        monitor: name,
        reason: result.reason,
        severity: SEVERITY[transition === 'failed' ? 'monitorfail' : 'monitorok'],
      })
    }
    this.#recompute(entry.pools, { monitor: name, reason: result.reason })
  }

  /** Nodes that left the plan while dead are reported alive, so a re-enabled node starts clean. */
  #forgetUncovered(previous: Map<string, Map<string, string[]>>): void {
    for (const [pool, nodes] of previous) {
      const verdicts = this.#verdicts.get(pool)
      const now = this.#coverage.get(pool)
      for (const node of nodes.keys()) {
        if (now?.has(node) === true) continue
        if (verdicts?.get(node)?.alive === false) this.#setNode(pool, node, true, 'no longer monitored')
        verdicts?.delete(node)
      }
      if (now === undefined) {
        this.#verdicts.delete(pool)
        this.#poolDead.delete(pool)
      }
    }
  }

  /** Re-derives node and pool verdicts; `cause` explains recoveries (failures carry their own). */
  #recompute(pools: Iterable<string>, cause: { monitor: string; reason: string }): void {
    for (const pool of pools) {
      const nodes = this.#coverage.get(pool)
      if (nodes === undefined) continue
      const verdicts = this.#verdicts.get(pool) ?? new Map<string, NodeVerdict>()
      this.#verdicts.set(pool, verdicts)
      let monitored = 0
      let dead = 0
      let lastDeath: NodeVerdict | undefined
      let firstAlive: NodeVerdict | undefined
      for (const [node, keys] of nodes) {
        const failing = keys.map((k) => this.#schedules.get(k)?.schedule).find((s) => s?.failed === true)
        const alive = failing === undefined
        const before = verdicts.get(node) ?? { alive: true, reason: '', monitor: '' }
        let verdict = before
        if (alive !== before.alive) {
          const monitor = failing?.spec.name ?? cause.monitor
          const reason = failing?.lastReason ?? cause.reason
          verdict = { alive, reason, monitor }
          if (this.#setNode(pool, node, alive, reason)) {
            this.#emit({ kind: alive ? 'nodeworking' : 'nodefail', pool, node, monitor, reason,
              severity: SEVERITY[alive ? 'nodeworking' : 'nodefail'] })
          }
        }
        verdicts.set(node, verdict)
        if (keys.length === 0) continue
        monitored++
        if (!verdict.alive) {
          dead++
          lastDeath = verdict
        } else firstAlive ??= verdict
      }
      const poolDead = monitored > 0 && dead === monitored
      if (poolDead === (this.#poolDead.get(pool) ?? false)) continue
      this.#poolDead.set(pool, poolDead)
      const why = (poolDead ? lastDeath : firstAlive) ?? cause
      const kind = poolDead ? 'pooldied' : 'poolok'
      this.#emit({ kind, pool, monitor: why.monitor, reason: why.reason, severity: SEVERITY[kind] })
    }
  }

  /** Reports a verdict to the pool layer; true when it is a node event (see StatusSink). */
  #setNode(pool: string, node: string, alive: boolean, reason: string): boolean {
    try {
      return this.#deps.statusSink.setNodeHealth(pool, node, alive, reason)
    } catch (error: unknown) {
      this.#deps.logger?.error(`health: status sink failed for ${pool} ${node}: ${errorMessage(error)}`)
      return true
    }
  }

  #emit(event: HealthEvent): void {
    const where = event.node === undefined ? event.pool : `${event.pool} ${event.node}`
    const line = `health: ${event.kind} ${where} (monitor ${event.monitor}): ${event.reason}`
    if (event.severity === 'info') this.#deps.logger?.info(line)
    else this.#deps.logger?.warn(line)
    try {
      this.#deps.onEvent?.(event)
    } catch (error: unknown) {
      this.#deps.logger?.error(`health: event sink failed: ${errorMessage(error)}`)
    }
  }
}
