/**
 * Which phases an HTTP virtual server runs (compiled once per snapshot from what it configures)
 * and how the exchange runs each one by name.
 * @module
 */
import { assertNever } from '../core/index.ts'
import type { Exchange } from './exchange.ts'
import { CONTINUE, WAIT, type PhaseResult, type RequestPhaseName, type ResponsePhaseName } from './phases.ts'
import type { ResponseHead } from './response-head.ts'
import type { HttpRules } from './rule-runner.ts'
import { requestRulesPhase, responseRulesPhase } from './rules-phases.ts'

/** A virtual server's phases, in order; only what it configures, and routing always last. */
export interface HttpPhases {
  readonly request: readonly RequestPhaseName[]
  readonly response: readonly ResponsePhaseName[]
}

const ROUTING_ONLY: HttpPhases = Object.freeze({ request: Object.freeze(['routing'] as const), response: Object.freeze([]) })

/** The phases of a virtual server with these rules. */
export function compileHttpPhases(rules: HttpRules): HttpPhases {
  if (rules.request.length === 0 && rules.response.length === 0) return ROUTING_ONLY
  const request: RequestPhaseName[] = []
  if (rules.request.length > 0) request.push('request-rules')
  request.push('routing')
  const response: ResponsePhaseName[] = []
  if (rules.response.length > 0) response.push('response-rules')
  return Object.freeze({ request: Object.freeze(request), response: Object.freeze(response) })
}

/** Routing: the dialer takes the transaction from here. */
function route(ex: Exchange): PhaseResult {
  ex.route()
  return WAIT
}

export function runRequestPhase(name: RequestPhaseName, ex: Exchange): PhaseResult {
  switch (name) {
    case 'request-rules':
      return requestRulesPhase(ex)
    case 'routing':
      return route(ex)
    case 'protection':
    case 'cache-lookup':
      // Not built yet: never compiled into a list.
      return CONTINUE
    default:
      return assertNever(name, 'phase')
  }
}

export function runResponsePhase(name: ResponsePhaseName, ex: Exchange, res: ResponseHead, buf: Buffer, bodyStart: number): PhaseResult {
  switch (name) {
    case 'response-rules':
      return responseRulesPhase(ex, res, buf, bodyStart)
    case 'compression':
    case 'cache-store':
      // Not built yet: never compiled into a list.
      return CONTINUE
    default:
      return assertNever(name, 'phase')
  }
}
