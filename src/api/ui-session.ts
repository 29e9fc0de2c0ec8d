/**
 * Sessions of the web UI: a random token in an HttpOnly, SameSite=Strict cookie, and a second
 * random token (the CSRF token) the page must echo in `X-CSRF-Token` on every change. Sessions
 * sit on top of the API's users: each one names a user and remembers the password hash it was
 * opened with, so changing the password or removing the user ends it. They live in memory
 * only; a restart ends them all.
 * @module
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Clock } from '../core/index.ts'

/** The cookie that carries the session token. */
export const SESSION_COOKIE = 'sluice_session'

/** The header that carries the CSRF token on changes. */
export const CSRF_HEADER = 'x-csrf-token'

/** How long sessions last and how many there may be. */
export interface SessionLimits {
  /** A session unused this long ends (ms). */
  readonly idleMs: number
  /** A session ends this long after login, used or not (ms). */
  readonly maxAgeMs: number
  /** At most this many sessions at once; the least recently used ends first. */
  readonly maxSessions: number
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = {
  idleMs: 30 * 60_000,
  maxAgeMs: 12 * 3_600_000,
  maxSessions: 1000,
}

/** One logged-in browser. */
export interface UiSession {
  readonly user: string
  /** The password hash the user had at login; a different one now ends the session. */
  readonly passwordHash: string
  readonly csrfToken: string
  readonly createdMs: number
  lastUsedMs: number
}

export class SessionStore {
  readonly #clock: Clock
  readonly #limits: SessionLimits
  /** sha256(token) to session, least recently used first (Map keeps insertion order). */
  readonly #sessions = new Map<string, UiSession>()

  constructor(clock: Clock, limits: Partial<SessionLimits> = {}) {
    this.#clock = clock
    this.#limits = { ...DEFAULT_SESSION_LIMITS, ...limits }
  }

  get limits(): SessionLimits {
    return this.#limits
  }

  /** Opens a session; returns the token for the cookie. */
  open(user: string, passwordHash: string): { token: string; session: UiSession } {
    const token = randomBytes(32).toString('base64url')
    const now = this.#clock.nowMs()
    const session: UiSession = { user, passwordHash, csrfToken: randomBytes(32).toString('base64url'), createdMs: now, lastUsedMs: now }
    while (this.#sessions.size >= this.#limits.maxSessions) {
      const oldest = this.#sessions.keys().next()
      if (oldest.done === true) break
      this.#sessions.delete(oldest.value)
    }
    this.#sessions.set(digest(token), session)
    return { token, session }
  }

  /** The live session of `token`, marked as used now; undefined when unknown or expired. */
  find(token: string | undefined): UiSession | undefined {
    if (token === undefined || token === '') return undefined
    const key = digest(token)
    const session = this.#sessions.get(key)
    if (session === undefined) return undefined
    const now = this.#clock.nowMs()
    if (now - session.lastUsedMs > this.#limits.idleMs || now - session.createdMs > this.#limits.maxAgeMs) {
      this.#sessions.delete(key)
      return undefined
    }
    session.lastUsedMs = now
    this.#sessions.delete(key)
    this.#sessions.set(key, session)
    return session
  }

  /** Ends the session of `token`, if any. */
  close(token: string | undefined): void {
    if (token !== undefined) this.#sessions.delete(digest(token))
  }
}

/** Whether `offered` is the session's CSRF token, compared in constant time. */
export function isCsrfTokenValid(session: UiSession, offered: string | string[] | undefined): boolean {
  if (typeof offered !== 'string') return false
  const a = Buffer.from(offered)
  const b = Buffer.from(session.csrfToken)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** The session token from a `Cookie` header, if it carries one. */
export function sessionToken(cookieHeader: string | undefined): string | undefined {
  if (cookieHeader === undefined) return undefined
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=')
    if (eq !== -1 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim()
  }
  return undefined
}

/**
 * The `Set-Cookie` value that stores `token` (or, for an empty token, clears the cookie).
 * HttpOnly keeps it from scripts, SameSite=Strict from other sites' requests, and Secure from
 * plain HTTP when the API serves HTTPS.
 */
export function sessionCookie(token: string, isTls: boolean): string {
  const clear = token === '' ? '; Max-Age=0' : ''
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict${isTls ? '; Secure' : ''}${clear}`
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}
