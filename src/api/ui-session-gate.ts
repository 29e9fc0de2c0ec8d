/**
 * The web UI's way in: `/api/session` (log in with a user of the API, see who is logged in, log
 * out) and the check of every other request that carries the session cookie instead of Basic
 * credentials. A change made with a session must also carry the session's CSRF token in
 * `X-CSRF-Token`, which a page of another site cannot read; the cookie is SameSite=Strict as
 * well, and the API's Origin check still applies. Passwords travel only in the POST body.
 * @module
 */
import type { IncomingMessage } from 'node:http'
import type { Authenticator, Principal } from './auth.ts'
import { apiError, json, parseJsonBody, readBody, tooManyRequests, type ApiReply } from './http-util.ts'
import { CSRF_HEADER, isCsrfTokenValid, sessionCookie, sessionToken, type SessionStore, type UiSession } from './ui-session.ts'

/** The path of the session resource. */
export const SESSION_PATH = '/api/session'

/** A login body is a user name and a password; anything longer is refused unread. */
const MAX_LOGIN_BYTES = 4096

/** Methods that change nothing, so they need no CSRF token. */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS'])

export type SessionCheck = { readonly ok: true; readonly principal: Principal } | { readonly ok: false; readonly reply: ApiReply }

export class UiSessionGate {
  readonly #store: SessionStore
  readonly #auth: Authenticator
  readonly #isTls: boolean
  readonly #isReadOnly: boolean

  constructor(store: SessionStore, auth: Authenticator, isTls: boolean, isReadOnly: boolean) {
    this.#store = store
    this.#auth = auth
    this.#isTls = isTls
    this.#isReadOnly = isReadOnly
  }

  /** Whether the request offers a session (the cookie) rather than Basic credentials. */
  offersSession(req: IncomingMessage): boolean {
    return req.headers.authorization === undefined && sessionToken(req.headers.cookie) !== undefined
  }

  /** Authenticates a request by its session cookie; changes must carry the CSRF token. */
  async authenticate(req: IncomingMessage): Promise<SessionCheck> {
    const method = req.method ?? 'GET'
    const found = await this.#live(sessionToken(req.headers.cookie))
    if (found === undefined) return { ok: false, reply: this.#ended() }
    if (!SAFE_METHODS.has(method) && !isCsrfTokenValid(found.session, req.headers[CSRF_HEADER])) {
      return { ok: false, reply: apiError(403, 'auth.csrf_failed', `a change made with a session must carry the session's token in ${CSRF_HEADER}`) }
    }
    return { ok: true, principal: found.principal }
  }

  /** Handles `/api/session`: GET (who am I), POST (log in), DELETE (log out). */
  async handle(req: IncomingMessage): Promise<ApiReply> {
    switch (req.method) {
      case 'GET':
        req.resume()
        return this.#whoAmI(req)
      case 'POST':
        return this.#logIn(req)
      case 'DELETE':
        req.resume()
        return this.#logOut(req)
      case undefined:
      default:
        req.resume()
        return apiError(405, 'resource.method_not_allowed', `${req.method ?? ''} is not allowed; use GET, POST or DELETE`)
    }
  }

  async #whoAmI(req: IncomingMessage): Promise<ApiReply> {
    const found = await this.#live(sessionToken(req.headers.cookie))
    if (found !== undefined) return json(200, this.#describe(found.principal, found.session))
    const users = await this.#auth.users()
    return json(200, { user: null, users_exist: users.ok && users.value.size > 0, read_only: this.#isReadOnly })
  }

  async #logIn(req: IncomingMessage): Promise<ApiReply> {
    if (!/^application\/json\s*(?:;|$)/i.test(req.headers['content-type'] ?? '')) {
      req.resume()
      return apiError(415, 'request.invalid', 'log in with a JSON body: {"username": "...", "password": "..."}')
    }
    const raw = await readBody(req, MAX_LOGIN_BYTES)
    if (raw === undefined) return apiError(413, 'resource.too_large', 'the login body is too large')
    const parsed = parseJsonBody(raw)
    const doc = parsed.ok && typeof parsed.value === 'object' && parsed.value !== null ? (parsed.value as Record<string, unknown>) : {}
    const username = doc['username']
    const password = doc['password']
    if (typeof username !== 'string' || typeof password !== 'string' || username === '') {
      return apiError(400, 'request.invalid', 'log in with a JSON body: {"username": "...", "password": "..."}')
    }
    const outcome = await this.#auth.checkPassword(username, password, req.socket.remoteAddress ?? '')
    if (!outcome.ok) {
      if (outcome.status === 429) return tooManyRequests('auth.throttled', outcome.reason, outcome.retryAfterMs)
      return { kind: 'error', error: { status: outcome.status, id: outcome.status === 401 ? 'auth.unauthorized' : 'auth.failed', text: outcome.reason }, challenge: false }
    }
    const users = await this.#auth.users()
    const user = users.ok ? users.value.get(outcome.principal.user) : undefined
    if (user === undefined) return apiError(500, 'auth.failed', 'the user went away while logging in')
    // A session cookie the browser still holds is replaced, and its session ended.
    this.#store.close(sessionToken(req.headers.cookie))
    const { token, session } = this.#store.open(user.name, user.passwordHash)
    return json(201, this.#describe(outcome.principal, session), { 'set-cookie': sessionCookie(token, this.#isTls) })
  }

  async #logOut(req: IncomingMessage): Promise<ApiReply> {
    const token = sessionToken(req.headers.cookie)
    const found = await this.#live(token)
    if (found !== undefined && !isCsrfTokenValid(found.session, req.headers[CSRF_HEADER])) {
      return apiError(403, 'auth.csrf_failed', `logging out needs the session's token in ${CSRF_HEADER}`)
    }
    this.#store.close(token)
    return { kind: 'empty', status: 204, headers: { 'set-cookie': sessionCookie('', this.#isTls) } }
  }

  /** The session of `token` if it is live and its user still has the password it logged in with. */
  async #live(token: string | undefined): Promise<{ session: UiSession; principal: Principal } | undefined> {
    const session = this.#store.find(token)
    if (session === undefined) return undefined
    const users = await this.#auth.users()
    const user = users.ok ? users.value.get(session.user) : undefined
    if (user?.passwordHash !== session.passwordHash) {
      this.#store.close(token)
      return undefined
    }
    return { session, principal: { user: user.name, role: user.role } }
  }

  #describe(principal: Principal, session: UiSession): Record<string, unknown> {
    return {
      user: principal.user,
      role: principal.role,
      csrf_token: session.csrfToken,
      read_only: this.#isReadOnly,
      idle_timeout_s: Math.round(this.#store.limits.idleMs / 1000),
    }
  }

  #ended(): ApiReply {
    return {
      kind: 'error',
      error: { status: 401, id: 'auth.unauthorized', text: 'the session has ended (logged out, expired, or Sluice restarted); log in again' },
      challenge: false,
      headers: { 'set-cookie': sessionCookie('', this.#isTls) },
    }
  }
}
