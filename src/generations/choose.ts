/**
 * Which generation serves a request (docs/generations.md):
 * 1. a tester goes to the generation the tester's field or cookie names, else the testing one;
 * 2. a live session stays on the generation it began on while that generation serves sessions;
 * 3. anything else is a new session, on the current generation (or, with a canary, on the
 *    previous one for the share the current one does not take).
 * @module
 */
import { cookieValue, type PersistenceRequest } from '../persist/index.ts'
import { servesSessions, type Generation, type GenerationPlan } from './generation-plan.ts'
import { decodeSessionCookie, encodeSessionCookie, newSessionId } from './session-cookie.ts'

/** What the choice decided, for the response and the counters. */
export interface GenerationTicket {
  readonly generation: Generation
  /**
   * The session's key in the plan's table; '' when the response's Set-Cookie gives it (a new
   * application session) or for testers, whose requests are not sessions.
   */
  readonly key: string
  /** Sluice's cookie to set on the response ('' none). */
  readonly setCookie: string
  /** True when a new application session starts: learn its key from the response. */
  readonly learns: boolean
}

/** The facts of one request the choice reads. */
export interface GenerationRequest {
  readonly clientIp: string
  readonly request: PersistenceRequest
  /** A rule's `connection.setPersistenceKey`, for a universal persistence class. */
  readonly ruleKey: string | null
}

export function chooseGeneration(plan: GenerationPlan, input: GenerationRequest, nowMs: number, wallMs: number, random: () => number): GenerationTicket {
  const tester = plan.testers === null ? null : testerChoice(plan, input)
  if (tester !== null) return { generation: tester, key: '', setCookie: '', learns: false }
  return plan.source === null ? bySluiceCookie(plan, input.request, nowMs, wallMs, random) : byApplicationKey(plan, input, nowMs, random)
}

/** The generation a tester reaches, or null when the request is not a tester's. */
function testerChoice(plan: GenerationPlan, input: GenerationRequest): Generation | null {
  const t = plan.testers
  if (t === null) return null
  let named: string | null = null
  let isTester = false
  if (t.header !== '') {
    const v = input.request.field(t.header)
    if (v !== null && (t.headerValue === '' || v === t.headerValue)) {
      isTester = true
      named = v
    }
  }
  if (!isTester && t.cookie !== '') {
    const v = cookieValue(input.request.cookies(), t.cookie)
    if (v !== null && (t.cookieValue === '' || v === t.cookieValue)) {
      isTester = true
      named = v
    }
  }
  if (!isTester && t.addresses !== null && t.addresses.matches(input.clientIp)) isTester = true
  if (!isTester) return null
  const byName = named === null ? undefined : plan.byName.get(named)
  if (byName !== undefined && byName.state !== 'reaped') return byName
  return plan.testing ?? plan.current
}

function newSessionGeneration(plan: GenerationPlan, random: () => number): Generation {
  if (plan.canaryRest !== null && random() * 100 >= plan.canaryPercent) return plan.canaryRest
  return plan.current
}

function bySluiceCookie(plan: GenerationPlan, req: PersistenceRequest, nowMs: number, wallMs: number, random: () => number): GenerationTicket {
  const nowS = Math.floor(wallMs / 1000)
  const value = cookieValue(req.cookies(), plan.cookieName)
  const cookie = value === null ? null : decodeSessionCookie(plan.store.secret, value)
  if (cookie !== null) {
    const known = plan.sessions.get(cookie.id, nowMs)
    // Without the table's word (another worker's session not heard of yet, or a table lost),
    // the cookie's own time says whether the session is still alive.
    const name = known ?? (nowS - cookie.issuedS <= plan.idleMs / 1000 ? cookie.generation : undefined)
    const g = name === undefined ? undefined : plan.byName.get(name)
    if (g !== undefined && servesSessions(g)) {
      if (known === undefined) plan.sessions.set(cookie.id, g.name, nowMs)
      // The cookie's time is renewed now and then, so a session in use never looks idle.
      const renew = (nowS - cookie.issuedS) * 4000 >= plan.idleMs
      return { generation: g, key: cookie.id, setCookie: renew ? sessionCookie(plan, g, cookie.id, nowS) : '', learns: false }
    }
    if (known !== undefined) plan.sessions.delete(cookie.id)
  }
  const g = newSessionGeneration(plan, random)
  const id = newSessionId()
  plan.sessions.set(id, g.name, nowMs)
  return { generation: g, key: id, setCookie: sessionCookie(plan, g, id, nowS), learns: false }
}

function sessionCookie(plan: GenerationPlan, g: Generation, id: string, nowS: number): string {
  return `${plan.cookieName}=${encodeSessionCookie(plan.store.secret, { generation: g.name, id, issuedS: nowS })}${plan.cookieAttributes}`
}

function byApplicationKey(plan: GenerationPlan, input: GenerationRequest, nowMs: number, random: () => number): GenerationTicket {
  const source = plan.source
  if (source === null) return { generation: plan.current, key: '', setCookie: '', learns: false }
  const key = source.type.keyOf({ clientIp: input.clientIp, key: input.ruleKey, node: null, request: input.request, tlsSession: null }, source.settings)
  if (key !== null && key !== '') {
    const name = plan.sessions.get(key, nowMs)
    const g = name === undefined ? undefined : plan.byName.get(name)
    if (g !== undefined && servesSessions(g)) return { generation: g, key, setCookie: '', learns: false }
    // A session not known (or whose generation stopped serving) starts here.
    const fresh = newSessionGeneration(plan, random)
    plan.sessions.set(key, fresh.name, nowMs)
    return { generation: fresh, key, setCookie: '', learns: false }
  }
  return { generation: newSessionGeneration(plan, random), key: '', setCookie: '', learns: source.type.keyFromSetCookie !== undefined }
}
