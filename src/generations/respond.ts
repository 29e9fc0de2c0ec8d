/**
 * The response side of a generation choice: Sluice's cookie to add, and for application
 * sessions, the key a new session's Set-Cookie gives (remembered on the generation that
 * answered) or the end of a session whose cookie the application deletes.
 * @module
 */
import { deletesCookie, setCookiePair } from '../persist/index.ts'
import type { GenerationPlan } from './generation-plan.ts'
import type { GenerationTicket } from './choose.ts'

/** Reads the node's Set-Cookie values; returns Sluice's Set-Cookie value to add ('' none). */
export function generationResponse(plan: GenerationPlan, ticket: GenerationTicket, setCookies: readonly string[], nowMs: number): string {
  const source = plan.source
  if (source === null || setCookies.length === 0) return ticket.setCookie
  for (const sc of setCookies) {
    if (source.appCookie !== '' && deletesCookie(sc)) {
      const pair = setCookiePair(sc)
      if (pair !== null && pair[0] === source.appCookie) {
        if (ticket.key !== '') plan.sessions.delete(ticket.key)
        continue
      }
    }
    if (!ticket.learns) continue
    const key = source.type.keyFromSetCookie?.(sc, source.settings) ?? null
    if (key !== null && key !== '') plan.sessions.set(key, ticket.generation.name, nowMs)
  }
  return ticket.setCookie
}
