/**
 * The first start of a configuration: if it has no API users, Sluice creates the user `admin`
 * with a random password, stores only its scrypt hash and hands the password back once to be
 * printed. So a fresh Sluice is never an open administrator to every program on the machine,
 * and a newcomer still needs no extra step before the first change.
 * @module
 */
import { randomBytes } from 'node:crypto'
import { ok, type Result } from '../core/index.ts'
import { hashPassword } from './password.ts'
import { loadUsers, saveUser, usersFilePath } from './users.ts'

/** The user created at first start. */
export const FIRST_ADMIN = 'admin'

export interface FirstAdmin {
  readonly user: string
  readonly password: string
  /** Where its hash is stored. */
  readonly file: string
}

/** Creates `admin` with a fresh password when `configDir` has no users; null when it has some. */
export async function ensureFirstAdmin(configDir: string): Promise<Result<FirstAdmin | null, string>> {
  const file = usersFilePath(configDir)
  const users = await loadUsers(file)
  if (!users.ok) return users
  if (users.value.size > 0) return ok(null)
  // 18 random bytes: 144 bits, 24 URL-safe characters that survive copy and paste.
  const password = randomBytes(18).toString('base64url')
  const saved = await saveUser(file, { name: FIRST_ADMIN, role: 'admin', passwordHash: await hashPassword(password) })
  if (!saved.ok) return saved
  return ok({ user: FIRST_ADMIN, password, file })
}
