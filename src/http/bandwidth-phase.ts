/**
 * The `bandwidth` response phase: the client side's class (a rule's `response.setBandwidthClass`,
 * else the virtual server's `basic.bandwidth_class`) paces the response body to the client. It
 * runs only where the configuration has bandwidth classes. What is written to the node (the
 * request body) is paced by the server side's class in the node leg.
 * @module
 */
import type { Exchange } from './exchange.ts'
import { BODY_NONE } from './message-body.ts'
import { CONTINUE, type PhaseResult } from './phases.ts'
import type { ResponseHead } from './response-head.ts'
import { ShapeBody } from './shape-body.ts'

export function bandwidthPhase(ex: Exchange, res: ResponseHead): PhaseResult {
  const service = ex.svc?.bandwidth ?? null
  if (service === null || ex.req?.method === 'HEAD' || ex.leg.relay.body.framing === BODY_NONE) return CONTINUE
  const name = ex.rules?.decision.responseBandwidthClass ?? service.clientClass
  if (name === '') return CONTINUE
  const cls = service.classes.get(name)
  if (cls === undefined) return CONTINUE
  // A body another phase transforms has its own length (or none): the paced one says none.
  ex.transformed.use(new ShapeBody(cls, ex.transformed.isActive ? -1 : res.contentLength))
  return CONTINUE
}
