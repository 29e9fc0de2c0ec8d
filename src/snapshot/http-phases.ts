/**
 * The phases of an HTTP exchange, by name, in a fixed order; each virtual server's lists are
 * compiled once per snapshot and hold only the phases it configures, so a feature that is not
 * configured costs nothing per request. The HTTP engine runs them (http/phase-list.ts).
 *
 *   request:  protection → request-rules → generation → cache-lookup → routing
 *   response: generation → response-rules → compression → cache-store → bandwidth
 * @module
 */
import type { PhaseRules } from '../rules/index.ts'

/** Request phases, in the order they run. */
export const REQUEST_PHASES = ['protection', 'request-rules', 'generation', 'cache-lookup', 'routing'] as const
export type RequestPhaseName = (typeof REQUEST_PHASES)[number]

/** Response phases, in the order they run. */
export const RESPONSE_PHASES = ['generation', 'response-rules', 'compression', 'cache-store', 'bandwidth'] as const
export type ResponsePhaseName = (typeof RESPONSE_PHASES)[number]

/** A virtual server's phases, in order; only what it configures, and routing always last. */
export interface HttpPhases {
  readonly request: readonly RequestPhaseName[]
  readonly response: readonly ResponsePhaseName[]
}

const ROUTING_ONLY: HttpPhases = Object.freeze({ request: Object.freeze(['routing'] as const), response: Object.freeze([]) })

/** What else a virtual server configures that runs as a phase. */
export interface PhaseFeatures {
  /** A service protection class (`basic.protection_class`, enabled). */
  readonly protection: boolean
  /** Content compression (`gzip.enabled`). */
  readonly compression: boolean
  /** The web cache (`web_cache.enabled`). */
  readonly cache: boolean
  /** Bandwidth classes exist (the virtual server's own, or ones rules and pools may name). */
  readonly bandwidth?: boolean
  /** Generations (`generations.table`): the pool is the generation's, and its cookie is set. */
  readonly generations?: boolean
}

const NO_FEATURES: PhaseFeatures = Object.freeze({ protection: false, compression: false, cache: false })

/** The phases of a virtual server with these rules and features. */
export function compileHttpPhases(rules: PhaseRules, features: PhaseFeatures = NO_FEATURES): HttpPhases {
  if (rules.request.length === 0 && rules.response.length === 0 && !features.protection && !features.compression && !features.cache && features.bandwidth !== true && features.generations !== true) return ROUTING_ONLY
  const request: RequestPhaseName[] = []
  if (features.protection) request.push('protection')
  if (rules.request.length > 0) request.push('request-rules')
  if (features.generations === true) request.push('generation')
  if (features.cache) request.push('cache-lookup')
  request.push('routing')
  const response: ResponsePhaseName[] = []
  if (features.generations === true) response.push('generation')
  if (rules.response.length > 0) response.push('response-rules')
  if (features.compression) response.push('compression')
  if (features.cache) response.push('cache-store')
  if (features.bandwidth === true) response.push('bandwidth')
  return Object.freeze({ request: Object.freeze(request), response: Object.freeze(response) })
}
