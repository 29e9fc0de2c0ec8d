/**
 * API users, kept in `<config dir>/.sluice/users.json` (a hidden directory, which the
 * configuration loader skips): `{"users": {"<name>": {"password_hash": "scrypt$...", "role": "admin"}}}`.
 * @module
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { err, errorMessage, ok, type Result } from '../core/index.ts'
import { isPasswordHash } from './password.ts'

/** `admin` may change the configuration; `readonly` may only read. */
export type ApiRole = 'admin' | 'readonly'

export interface ApiUser {
  readonly name: string
  readonly passwordHash: string
  readonly role: ApiRole
}

/** Where Sluice keeps its own files inside a configuration directory. */
export function sluiceStateDir(configDir: string): string {
  return join(configDir, '.sluice')
}

/** The users file of a configuration directory. */
export function usersFilePath(configDir: string): string {
  return join(sluiceStateDir(configDir), 'users.json')
}

/** Reads the users file; a missing file means no users. */
export async function loadUsers(path: string): Promise<Result<ReadonlyMap<string, ApiUser>, string>> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (e: unknown) {
    if (e instanceof Error && 'code' in e && e.code === 'ENOENT') return ok(new Map())
    return err(`cannot read ${path}: ${errorMessage(e)}`)
  }
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (e: unknown) {
    return err(`${path}: not JSON: ${errorMessage(e)}`)
  }
  const users = new Map<string, ApiUser>()
  const table = isRecord(doc) ? doc['users'] : undefined
  if (!isRecord(table)) return err(`${path}: expected {"users": {"<name>": {...}}}`)
  for (const [name, entry] of Object.entries(table)) {
    const hash = isRecord(entry) ? entry['password_hash'] : undefined
    const role = isRecord(entry) ? entry['role'] : undefined
    if (typeof hash !== 'string' || !isPasswordHash(hash)) return err(`${path}: user "${name}": password_hash is not a scrypt hash`)
    if (role !== 'admin' && role !== 'readonly') return err(`${path}: user "${name}": role must be "admin" or "readonly"`)
    users.set(name, { name, passwordHash: hash, role })
  }
  return ok(users)
}

/** Adds or replaces one user, keeping the others. */
export async function saveUser(path: string, user: ApiUser): Promise<Result<void, string>> {
  const current = await loadUsers(path)
  if (!current.ok) return current
  const table: Record<string, { password_hash: string; role: ApiRole }> = {}
  for (const u of [...current.value.values(), user]) table[u.name] = { password_hash: u.passwordHash, role: u.role }
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 })
    const temp = `${path}.tmp`
    await writeFile(temp, `${JSON.stringify({ users: table }, null, 2)}\n`, { mode: 0o600 })
    await rename(temp, path)
  } catch (e: unknown) {
    return err(`cannot write ${path}: ${errorMessage(e)}`)
  }
  return ok(undefined)
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
