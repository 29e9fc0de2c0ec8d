/**
 * One virtual server's generations as a snapshot holds them: each generation's pool and state,
 * where new sessions go, how a session is known and when it ends, and who is a tester.
 * Built once per snapshot (snapshot/generation-settings.ts); the per-request choice is
 * choose.ts, the state that outlives snapshots is GenerationStore.
 * @module
 */
import type { Pool } from '../pool/index.ts'
import type { PersistenceType, PersistenceTypeSettings, SessionTable } from '../persist/index.ts'
import type { AddressList } from '../protect/index.ts'
import type { GenerationStore } from './generation-store.ts'
import type { GenerationCounters } from './generation-counters.ts'

export type GenerationState = 'testing' | 'current' | 'draining' | 'reaped'

export interface Generation {
  readonly name: string
  readonly pool: Pool
  readonly state: GenerationState
  /** What it has served (outlives snapshots: the store's). */
  readonly counters: GenerationCounters
}

/**
 * How a session is known when it is not Sluice's own cookie: the key a persistence type finds
 * (the application's cookie, or a persistence class's key).
 */
export interface SessionKeySource {
  readonly type: PersistenceType
  readonly settings: PersistenceTypeSettings
  /** The application's cookie (app_cookie): a Set-Cookie deleting it ends the session. */
  readonly appCookie: string
}

/** Who counts as a tester: a request field, a cookie, client addresses. */
export interface Testers {
  /** Lower-case field name ('' none) and the value it must have ('' any). */
  readonly header: string
  readonly headerValue: string
  /** Cookie name ('' none) and the value it must have ('' any). */
  readonly cookie: string
  readonly cookieValue: string
  readonly addresses: AddressList | null
}

export interface GenerationPlan {
  readonly virtualServer: string
  /** In configuration order. */
  readonly generations: readonly Generation[]
  readonly byName: ReadonlyMap<string, Generation>
  /** The one generation that takes new sessions. */
  readonly current: Generation
  /** The generation deploy replaced (rollback's target), or null. */
  readonly previous: Generation | null
  /** With a canary: the share of new sessions (percent) the current generation takes. */
  readonly canaryPercent: number
  /** The generation taking the other new sessions (the previous one, draining), or null. */
  readonly canaryRest: Generation | null
  /** Where testers go when they name no generation: the last `testing` one, or null. */
  readonly testing: Generation | null
  /** Sluice's cookie (sluice_cookie) or the application's (app_cookie). */
  readonly cookieName: string
  /** Null: sessions are Sluice's own signed cookie. */
  readonly source: SessionKeySource | null
  /** Sessions end after this long without a request. */
  readonly idleMs: number
  /** Attributes Sluice's cookie is set with (`; Secure` on HTTPS virtual servers). */
  readonly cookieAttributes: string
  readonly testers: Testers | null
  /** Session key to generation name, shared by the workers and kept over restarts. */
  readonly sessions: SessionTable
  readonly store: GenerationStore
}

/** The name of a virtual server's session table in the persistence store. */
export function generationTableName(virtualServer: string): string {
  // Object names never hold a slash, so this never meets a persistence class's table.
  return `generations/${virtualServer}`
}

/** True for a generation that may serve a session begun on it. */
export function servesSessions(g: Generation): boolean {
  return g.state === 'current' || g.state === 'draining'
}
