/**
 * Who is calling: HTTP Basic against the users file, with a short cache of verified
 * credentials (vTM `rest_api.auth_timeout`, 120 s) because scrypt is slow on purpose.
 *
 * A wrong password and an unknown user cost the same: an unknown user is checked against a
 * dummy hash made with the same scrypt parameters, so the answer time does not tell which
 * names exist. Guessing is slowed per client address (auth-throttle.ts).
 * @module
 */
import { createHash, randomBytes } from 'node:crypto'
import type { Clock, Result } from '../core/index.ts'
import { AuthThrottle, type ThrottleSettings } from './auth-throttle.ts'
import { hashPassword, verifyPassword } from './password.ts'
import { loadUsers, type ApiRole, type ApiUser } from './users.ts'

/** The caller of one request. */
export interface Principal {
  readonly user: string
  readonly role: ApiRole
}

/** The outcome of authenticating a request. */
export type AuthOutcome =
  | { readonly ok: true; readonly principal: Principal }
  | { readonly ok: false; readonly status: 401 | 500; readonly reason: string }
  | { readonly ok: false; readonly status: 429; readonly reason: string; readonly retryAfterMs: number }

/** Checks a password against a stored hash. */
export type PasswordVerifier = (password: string, hash: string) => Promise<boolean>

/** What one request offers for authentication. */
export interface AuthAttempt {
  /** The `Authorization` header, if any. */
  readonly header: string | undefined
  /** The client's address, for throttling. */
  readonly address: string
  /** The request only reads statistics, which loopback callers may do while no users exist. */
  readonly isStatisticsRead: boolean
}

/** The name recorded for loopback callers reading statistics while no users exist. */
export const ANONYMOUS = 'anonymous'

const NO_USERS = 'no API users exist yet: `sluice start --config DIR` creates one at first start, or use `sluice user add`'

const CACHE_MS = 120_000
const CACHE_ENTRIES = 1000

export interface AuthenticatorOptions {
  readonly usersFile: string
  readonly clock: Clock
  /** The listener is on loopback, so statistics may be read without users. */
  readonly allowAnonymousStatistics: boolean
  readonly throttle?: Partial<ThrottleSettings>
  readonly verify?: PasswordVerifier
}

export class Authenticator {
  readonly #opts: AuthenticatorOptions
  readonly #verify: PasswordVerifier
  readonly #throttle: AuthThrottle
  /** sha256(user NUL password NUL hash) to expiry (wall ms). */
  readonly #verified = new Map<string, { role: ApiRole; untilMs: number }>()
  /** A hash of a random password, checked for unknown users so they cost as much as known ones. */
  readonly #dummyHash: Promise<string>

  constructor(opts: AuthenticatorOptions) {
    this.#opts = opts
    this.#verify = opts.verify ?? verifyPassword
    this.#throttle = new AuthThrottle(opts.clock, opts.throttle)
    // Made up front, so the first unknown user costs no more than any other.
    this.#dummyHash = hashPassword(randomBytes(24).toString('base64'))
  }

  /** Authenticates one request. */
  async authenticate(attempt: AuthAttempt): Promise<AuthOutcome> {
    const users = await loadUsers(this.#opts.usersFile)
    if (!users.ok) return { ok: false, status: 500, reason: users.error }
    if (users.value.size === 0) {
      if (this.#opts.allowAnonymousStatistics && attempt.isStatisticsRead) return { ok: true, principal: { user: ANONYMOUS, role: 'readonly' } }
      return { ok: false, status: 401, reason: NO_USERS }
    }
    const basic = parseBasic(attempt.header)
    if (basic === undefined) return { ok: false, status: 401, reason: 'HTTP Basic authentication is required' }
    return this.#check(users.value, basic.user, basic.password, attempt.address)
  }

  /**
   * Checks a user name and password exactly as Basic authentication does (the same throttle,
   * the same cost for unknown names); the web UI's login form comes through here.
   */
  async checkPassword(user: string, password: string, address: string): Promise<AuthOutcome> {
    const users = await loadUsers(this.#opts.usersFile)
    if (!users.ok) return { ok: false, status: 500, reason: users.error }
    if (users.value.size === 0) return { ok: false, status: 401, reason: NO_USERS }
    return this.#check(users.value, user, password, address)
  }

  /** The users as they are now (the file is read each time, so changes apply at once). */
  users(): Promise<Result<ReadonlyMap<string, ApiUser>, string>> {
    return loadUsers(this.#opts.usersFile)
  }

  async #check(users: ReadonlyMap<string, ApiUser>, name: string, password: string, address: string): Promise<AuthOutcome> {
    const waitMs = this.#throttle.waitMs(address)
    if (waitMs > 0) {
      return { ok: false, status: 429, reason: 'too many failed logins from this address; try again later', retryAfterMs: waitMs }
    }
    this.#throttle.attempt(address)
    const user = users.get(name)
    const now = this.#opts.clock.nowMs()
    const key = user === undefined ? '' : createHash('sha256').update(`${name}\u0000${password}\u0000${user.passwordHash}`).digest('hex')
    const cached = this.#verified.get(key)
    if (user !== undefined && cached !== undefined && cached.untilMs > now) {
      this.#throttle.succeeded(address)
      return { ok: true, principal: { user: user.name, role: user.role } }
    }
    const matches = await this.#verify(password, user?.passwordHash ?? (await this.#dummyHash))
    if (user === undefined || !matches) return { ok: false, status: 401, reason: 'unknown user or wrong password' }
    this.#throttle.succeeded(address)
    if (this.#verified.size >= CACHE_ENTRIES) this.#verified.clear()
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
