/**
 * One `protection/<name>` class as a snapshot holds it: its settings, compiled once, and the
 * runtime state it shares with the same class in other snapshots.
 * @module
 */
import type { EventSink } from '../core/index.ts'
import type { AddressList } from './address-list.ts'
import type { CheckedHead, HttpCheck } from './http-checks.ts'
import type { ProtectionState } from './protection-state.ts'
import { REFUSAL_REASONS, type RefusalReason } from './reasons.ts'

export interface ProtectionSettings {
  readonly name: string
  readonly testing: boolean
  /** `basic.log_time` in ms; 0 = no log lines and no events. */
  readonly logTimeMs: number
  readonly allowed: AddressList
  readonly banned: AddressList
  readonly max1Connections: number
  /** 0 = the top-ten limit is off. */
  readonly max10Connections: number
  readonly minConnections: number
  readonly maxConnectionRate: number
  /** `connection_rate.rate_timer` in ms. */
  readonly rateWindowMs: number
  readonly httpChecks: readonly HttpCheck[]
  readonly sendErrorPage: boolean
  /** `basic.linger_time` in ms: how long a client may keep a connection after its error page; 0 = the engine's own. */
  readonly lingerMs: number
  /** `basic.rule`: the rule run after the checks, before the virtual server's rules; '' for none. */
  readonly rule: string
}

export class ProtectionClass {
  readonly settings: ProtectionSettings
  readonly state: ProtectionState
  readonly #events: EventSink

  constructor(settings: ProtectionSettings, state: ProtectionState, events: EventSink) {
    this.settings = settings
    this.state = state
    this.#events = events
  }

  get name(): string {
    return this.settings.name
  }

  /**
   * The checks that concern the connection itself (its address and how many connections that
   * address has open, this one included). Null when it may go on.
   */
  connectionVerdict(ip: string): RefusalReason | null {
    const s = this.settings
    if (s.banned.matches(ip)) return 'banned'
    if (s.minConnections === 0 || s.allowed.matches(ip)) return null
    const open = this.state.openCount(ip)
    if (s.max1Connections > 0 && open > s.max1Connections) return 'max_1_connections'
    if (s.max10Connections > 0 && open > s.minConnections && this.state.busiestTen() > s.max10Connections) return 'max_10_connections'
    return null
  }

  /** Counts one new connection (on HTTP: one request) of `ip` against `max_connection_rate`. */
  rateVerdict(ip: string, nowMs: number): RefusalReason | null {
    const s = this.settings
    if (s.maxConnectionRate === 0 || s.allowed.matches(ip)) return null
    return this.state.countRate(ip, nowMs, s.rateWindowMs) > s.maxConnectionRate ? 'connection_rate' : null
  }

  /** The `http` checks, in order; the first that fails names the reason. */
  requestVerdict(head: CheckedHead): RefusalReason | null {
    const checks = this.settings.httpChecks
    for (let i = 0; i < checks.length; i++) {
      const reason = (checks[i] as HttpCheck)(head)
      if (reason !== null) return reason
    }
    return null
  }

  /**
   * Records a failed check; true when the connection or request is to be refused, false when
   * the class is in testing mode and lets it through.
   */
  refuse(reason: RefusalReason, ip: string, nowMs: number): boolean {
    const state = this.state
    state.record(reason)
    if (this.settings.testing) state.testingPassed++
    this.#maybeLog(ip, nowMs)
    return !this.settings.testing
  }

  /** At most one summary line (event `protection/triggersummary`) per `log_time`. */
  #maybeLog(ip: string, nowMs: number): void {
    const s = this.settings
    const state = this.state
    if (s.logTimeMs === 0 || nowMs - state.lastLogMs < s.logTimeMs) return
    const parts: string[] = []
    let total = 0
    for (const r of REFUSAL_REASONS) {
      const n = state.sinceLog[r]
      if (n === 0) continue
      parts.push(`${r} ${n}`)
      total += n
      state.sinceLog[r] = 0
    }
    const first = state.lastLogMs === -Infinity
    state.lastLogMs = nowMs
    const verb = s.testing ? 'would have refused' : 'refused'
    const since = first ? '' : ` in the last ${Math.round(s.logTimeMs / 1000)} s`
    const letThrough = s.testing ? ', let through in testing mode' : ''
    this.#events({
      severity: 'warn',
      category: 'protection',
      name: 'triggersummary',
      objects: { protection: s.name },
      message: `protection class "${s.name}" ${verb} ${total}${since} (${parts.join(', ')})${letThrough}; latest from ${ip}`,
    })
  }
}
