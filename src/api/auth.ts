/**
 * Who is calling: HTTP Basic against the users file, with a short cache of verified
 * credentials (vTM `rest_api.auth_timeout`, 120 s) because scrypt is slow on purpose.
 * @module
 */
import { createHash } from 'node:crypto'
import type { Clock } from '../core/index.ts'
import { verifyPassword } from './password.ts'
import { loadUsers, type ApiRole } from './users.ts'

/** The caller of one request. */
export interface Principal {
  readonly user: string
  readonly role: ApiRole
}

/** The outcome of authenticating a request. */
export type AuthOutcome =
  | { readonly ok: true; readonly principal: Principal }
  | { readonly ok: false; readonly status: 401 | 500; readonly reason: string }

/** The name recorded in the audit log for loopback callers when no users exist. */
export const ANONYMOUS = 'anonymous'

const CACHE_MS = 120_000

export class Authenticator {
  readonly #usersFile: string
  readonly #clock: Clock
  readonly #allowAnonymous: boolean
  /** sha256(user NUL password) to expiry (wall ms). */
  readonly #verified = new Map<string, { role: ApiRole; untilMs: number }>()

  /** `allowAnonymous`: the listener is on loopback, so an empty users file means open access. */
  constructor(usersFile: string, clock: Clock, allowAnonymous: boolean) {
    this.#usersFile = usersFile
    this.#clock = clock
    this.#allowAnonymous = allowAnonymous
  }

  /** Checks an `Authorization` header value (or its absence). */
  async authenticate(header: string | undefined): Promise<AuthOutcome> {
    const users = await loadUsers(this.#usersFile)
    if (!users.ok) return { ok: false, status: 500, reason: users.error }
    if (users.value.size === 0) {
      if (this.#allowAnonymous) return { ok: true, principal: { user: ANONYMOUS, role: 'admin' } }
      return { ok: false, status: 401, reason: 'no API users are configured' }
    }
    const basic = parseBasic(header)
    if (basic === undefined) return { ok: false, status: 401, reason: 'HTTP Basic authentication is required' }
    const user = users.value.get(basic.user)
    if (user === undefined) return { ok: false, status: 401, reason: 'unknown user or wrong password' }
    const key = createHash('sha256').update(`${basic.user}\u0000${basic.password}\u0000${user.passwordHash}`).digest('hex')
    const now = this.#clock.nowMs()
    const cached = this.#verified.get(key)
    if (cached !== undefined && cached.untilMs > now) return { ok: true, principal: { user: user.name, role: user.role } }
    if (!(await verifyPassword(basic.password, user.passwordHash))) {
      return { ok: false, status: 401, reason: 'unknown user or wrong password' }
    }
    if (this.#verified.size > 1000) this.#verified.clear()
    this.#verified.set(key, { role: user.role, untilMs: now + CACHE_MS })
    return { ok: true, principal: { user: user.name, role: user.role } }
  }
}

/** Splits `Basic base64(user:password)`; undefined when absent or malformed. */
export function parseBasic(header: string | undefined): { user: string; password: string } | undefined {
  if (header === undefined) return undefined
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header)
  if (m === null) return undefined
  const text = Buffer.from(m[1] ?? '', 'base64').toString('utf8')
  const colon = text.indexOf(':')
  if (colon <= 0) return undefined
  return { user: text.slice(0, colon), password: text.slice(colon + 1) }
}
