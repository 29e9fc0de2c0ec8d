/**
 * The `generation` phases (issue #19, docs/generations.md). Request: the application's
 * generation for this request (tester, live session or new session) and its pool, unless a
 * rule chose a pool. Response: Sluice's session cookie, and the sessions the application's
 * Set-Cookie fields start or end. They run only on virtual servers with `generations.table`.
 * @module
 */
import { chooseGeneration, generationResponse } from '../generations/index.ts'
import type { Exchange } from './exchange.ts'
import { CONTINUE, type PhaseResult } from './phases.ts'
import type { ResponseHead } from './response-head.ts'
import { equalsLower } from './syntax.ts'

export function generationRequestPhase(ex: Exchange): PhaseResult {
  const plan = ex.svc?.generations ?? null
  if (plan === null) return CONTINUE
  const clock = ex.deps.clock
  const ticket = chooseGeneration(plan, { clientIp: ex.down.clientIp, request: ex.persistRequest, ruleKey: ex.rules?.decision.persistenceKey ?? null }, clock.monoMs(), clock.nowMs(), Math.random)
  ex.generationTicket = ticket
  ex.defaultRoute(ticket.generation.pool)
  return CONTINUE
}

export function generationResponsePhase(ex: Exchange, res: ResponseHead): PhaseResult {
  const plan = ex.svc?.generations ?? null
  const ticket = ex.generationTicket
  if (plan === null || ticket === null) return CONTINUE
  const setCookies: string[] = []
  if (plan.source !== null) {
    const h = res.headers
    for (let i = 0; i < h.length; i += 2) if (equalsLower(h[i] ?? '', 'set-cookie')) setCookies.push(h[i + 1] ?? '')
  }
  const mine = generationResponse(plan, ticket, setCookies, ex.deps.clock.monoMs())
  if (mine !== '') {
    res.headers.push('Set-Cookie', mine)
    res.needsRewrite = true
    ex.transformed.headEdited = true
  }
  return CONTINUE
}
