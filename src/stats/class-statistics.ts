/**
 * Statistics of service protection classes (vTM's `service_protection`) and rate classes (vTM's
 * `connection_rate_limit`). The classes live in protect/; statistics read them through these
 * narrow views.
 * @module
 */
import type { StatValues } from './statistics.ts'

/** What statistics read of a protection class's runtime state. */
export interface ProtectionCountersView {
  /** Refusals (or would-be refusals in testing mode) per reason. */
  readonly refused: Readonly<Record<string, number>>
  readonly testingPassed: number
}

/** What statistics read of a rate class's runtime state. */
export interface RateCountersView {
  readonly counters: {
    readonly admitted: number
    readonly queued: number
    readonly dropped: number
    readonly refused: number
    readonly backlog: number
  }
  readonly limits: { readonly perMinute: number; readonly perSecond: number }
}

/** What statistics read of a bandwidth class's runtime state. */
export interface BandwidthCountersView {
  /** Bytes the class let through. */
  readonly bytes: number
  /** Connections (and transactions) it paced. */
  readonly connections: number
  readonly settings: { readonly kbitPerSecond: number; readonly sharing: string }
}

/** What statistics read of a service level monitor. */
export interface ServiceLevelCountersView {
  /** Responses recorded, and those that started within the class's response time. */
  readonly responses: number
  readonly conformingResponses: number
  readonly settings: { readonly responseTimeMs: number; readonly warningThreshold: number; readonly seriousThreshold: number }
  /** Conforming percentage over the recent window (100 with no responses). */
  conforming(nowWallMs: number): number
}

/** Classes by name. */
export interface ClassesView<T> {
  entries(): Iterable<[string, T]>
}

const SIZE_REASONS = ['max_url_length', 'max_header_length', 'max_request_length', 'max_body_length']

/** vTM's refusal fields, then one field per Sluice reason. */
export function protectionStatistics(v: ProtectionCountersView): StatValues {
  const r = v.refused
  let total = 0
  for (const n of Object.values(r)) total += n
  let size = 0
  for (const reason of SIZE_REASONS) size += r[reason] ?? 0
  const out: Record<string, number> = {
    total_refusal: total,
    refusal_ip: r['banned'] ?? 0,
    refusal_conc1: r['max_1_connections'] ?? 0,
    refusal_conc10: r['max_10_connections'] ?? 0,
    refusal_conn_rate: r['connection_rate'] ?? 0,
    refusal_rfc2396: r['check_rfc2396'] ?? 0,
    refusal_size: size,
    refusal_binary: r['reject_binary'] ?? 0,
    testing_allowed: v.testingPassed,
  }
  for (const reason of SIZE_REASONS) out[`refusal_${reason}`] = r[reason] ?? 0
  return out
}

/** vTM's fields (`conns_entered`, `conns_left`, `dropped`, `queue_length`, limits) and Sluice's. */
export function rateStatistics(v: RateCountersView): StatValues {
  const c = v.counters
  return {
    // Every request that asked: let through, refused, given up on, or still waiting.
    conns_entered: c.admitted + c.refused + c.dropped + c.backlog,
    conns_left: c.admitted,
    dropped: c.dropped,
    queue_length: c.backlog,
    queued: c.queued,
    refused: c.refused,
    max_rate_per_min: v.limits.perMinute,
    max_rate_per_sec: v.limits.perSecond,
  }
}

/** vTM's fields (`maximum`, `guarantee`, `bytes_out`) and Sluice's (`connections`, `sharing`). */
export function bandwidthStatistics(v: BandwidthCountersView): StatValues {
  return {
    maximum: v.settings.kbitPerSecond,
    guarantee: 0,
    bytes_out: v.bytes,
    connections: v.connections,
    sharing: v.settings.sharing,
  }
}

/** vTM's fields (`conforming`, `total_conn`, `total_non_conf`, `is_ok`) and the class's limits. */
export function serviceLevelStatistics(v: ServiceLevelCountersView, nowWallMs: number): StatValues {
  const conforming = v.conforming(nowWallMs)
  return {
    conforming,
    total_conn: v.responses,
    total_non_conf: v.responses - v.conformingResponses,
    is_ok: conforming > v.settings.warningThreshold ? 1 : 0,
    response_time: v.settings.responseTimeMs,
    warning_threshold: v.settings.warningThreshold,
    serious_threshold: v.settings.seriousThreshold,
  }
}
