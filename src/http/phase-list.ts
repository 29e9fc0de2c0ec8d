/**
 * How the exchange runs each phase by name (the lists are compiled per snapshot: snapshot's
 * http-phases.ts).
 * @module
 */
import { assertNever } from '../core/index.ts'
import type { Exchange } from './exchange.ts'
import type { RequestPhaseName, ResponsePhaseName } from '../snapshot/index.ts'
import { WAIT, type PhaseResult } from './phases.ts'
import type { ResponseHead } from './response-head.ts'
import { requestRulesPhase, responseRulesPhase } from './rules-phases.ts'
import { compressionPhase } from './compression-phase.ts'
import { cacheLookupPhase } from './cache-lookup.ts'
import { cacheStorePhase } from './cache-store.ts'
import { protectionPhase } from './protection-phase.ts'
import { bandwidthPhase } from './bandwidth-phase.ts'
import { generationRequestPhase, generationResponsePhase } from './generation-phase.ts'

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
      return protectionPhase(ex)
    case 'cache-lookup':
      return cacheLookupPhase(ex)
    case 'generation':
      return generationRequestPhase(ex)
    default:
      return assertNever(name, 'phase')
  }
}

export function runResponsePhase(name: ResponsePhaseName, ex: Exchange, res: ResponseHead, buf: Buffer, bodyStart: number): PhaseResult {
  switch (name) {
    case 'response-rules':
      return responseRulesPhase(ex, res, buf, bodyStart)
    case 'compression':
      return compressionPhase(ex, res)
    case 'cache-store':
      return cacheStorePhase(ex, res)
    case 'bandwidth':
      return bandwidthPhase(ex, res)
    case 'generation':
      return generationResponsePhase(ex, res)
    default:
      return assertNever(name, 'phase')
  }
}
