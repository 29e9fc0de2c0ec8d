/**
 * TrafficScript as phases of an exchange: request rules before routing, response rules before
 * the response goes to the client, and what their decisions make the exchange do.
 * @module
 */
import { ReplaceBody } from './body-transform.ts'
import type { Exchange } from './exchange.ts'
import type { HttpService } from '../snapshot/index.ts'
import { CONTINUE, WAIT, type PhaseResult } from './phases.ts'
import type { ResponseHead } from './response-head.ts'
import type { RuleSession } from './rule-session.ts'

/** Runs the request rules; the exchange resumes with routing when they are done. */
export function requestRulesPhase(ex: Exchange): PhaseResult {
  const rules = ex.rules
  const svc = ex.svc
  if (rules === null || svc === null) return CONTINUE
  // Rules limit their own run time; waiting on a client body is bounded like any idle wait.
  ex.armIdle()
  rules.runRequest(() => {
    if (ex.state === 'request-phases' && ex.rules === rules) afterRequestRules(ex, svc, rules)
  })
  return WAIT
}

/** Carries out what the request rules decided. */
function afterRequestRules(ex: Exchange, svc: HttpService, rules: RuleSession): void {
  const d = rules.decision
  switch (d.action) {
    case 'respond':
      ex.sendMade(d.response)
      return
    case 'discard':
      ex.down.destroyNow()
      return
    case 'close':
      if (d.clientData !== '') ex.down.writeRaw(Buffer.from(d.clientData, 'latin1'))
      ex.down.endNow()
      return
    case 'none':
    case 'use-pool':
      break
  }
  let pool = svc.pool
  if (d.pool !== null) {
    if (d.pool === 'discard') {
      ex.down.destroyNow()
      return
    }
    // An unknown pool was reported by the rule engine (rules/pooluseunknown); keep the default.
    pool = svc.pools.get(d.pool) ?? pool
  }
  ex.chooseRoute(pool, d.avoidNodes.length > 0 || d.poolHost !== null ? d : null)
  ex.resumePhases()
}

/** Runs the response rules on the node's head (and the body read so far); the node waits. */
export function responseRulesPhase(ex: Exchange, res: ResponseHead, buf: Buffer, bodyStart: number): PhaseResult {
  const rules = ex.rules
  if (rules === null) return CONTINUE
  rules.view.node = ex.dialer.node?.id ?? ''
  rules.view.serverResponseMs = ex.leg.nodeResponseMs
  const conn = ex.leg.conn
  conn?.socket.pause()
  // The rules may look at `buf` after this read returns.
  conn?.pinReadBuffer()
  // The node has replied: max_reply_time no longer applies. Rules limit their own run time; a
  // rule waiting on something is bounded like any idle wait.
  ex.armIdle()
  rules.runResponse(res, buf, bodyStart, () => {
    if (ex.leg.conn !== conn || ex.state !== 'response-phases') return
    conn?.socket.resume()
    afterResponseRules(ex, rules)
  })
  return WAIT
}

/** Carries out what the response rules decided. */
function afterResponseRules(ex: Exchange, rules: RuleSession): void {
  const d = rules.decision
  if (d.action === 'respond' || d.action === 'discard') {
    // The node's response is not used: its connection cannot be reused.
    ex.leg.close()
    if (d.action === 'respond') ex.sendMade(d.response)
    else ex.down.destroyNow()
    return
  }
  const replaced = rules.responseBodyOverride
  if (replaced !== null) ex.transformed.use(new ReplaceBody(replaced))
  ex.resumePhases()
}

