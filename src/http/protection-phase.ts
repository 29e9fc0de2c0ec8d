/**
 * The `protection` request phase: a virtual server's service protection class checks the
 * connection (on its first request), counts the request towards the connection rate (vTM counts
 * each request on a kept-alive connection as a new connection) and checks the request head,
 * before any rule runs or node is chosen.
 * @module
 */
import { REFUSAL_STATUS, type RefusalReason } from '../protect/index.ts'
import type { Exchange } from './exchange.ts'
import { CONTINUE, RESPOND, type PhaseResult } from './phases.ts'

export function protectionPhase(ex: Exchange): PhaseResult {
  const guard = ex.svc?.protection ?? null
  const req = ex.req
  if (guard === null || req === null) return CONTINUE
  const ip = ex.down.clientIp
  const nowMs = ex.deps.clock.monoMs()
  let reason: RefusalReason | null = ex.down.requestCount === 1 ? guard.connectionVerdict(ip) : null
  reason ??= guard.rateVerdict(ip, nowMs)
  reason ??= guard.requestVerdict(req)
  if (reason === null || !guard.refuse(reason, ip, nowMs)) return CONTINUE
  if (!guard.settings.sendErrorPage) {
    ex.down.destroyNow()
    return RESPOND
  }
  const down = ex.down
  ex.sendError(REFUSAL_STATUS[reason], true)
  if (guard.settings.lingerMs > 0) down.lingerFor?.(guard.settings.lingerMs)
  return RESPOND
}
