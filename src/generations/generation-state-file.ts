/**
 * What generations keep on disk (`.sluice/generations.json` in the configuration directory):
 * the key session cookies are signed with, and the live sessions, so a restart of Sluice moves
 * no session to another generation and `drained` does not come early.
 * @module
 */
import { randomBytes } from 'node:crypto'
import { readFile, rename, writeFile, mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'

export type SavedSession = readonly [table: string, key: string, generation: string, idleMs: number]

export interface SavedGenerations {
  readonly secret: Buffer
  readonly sessions: readonly SavedSession[]
}

function isSaved(v: unknown): v is SavedSession {
  return Array.isArray(v) && v.length === 4 && typeof v[0] === 'string' && typeof v[1] === 'string' && typeof v[2] === 'string' && typeof v[3] === 'number'
}

/** The saved state; a new key (and no sessions) when the file is missing or unreadable. */
export async function loadGenerationState(path: string): Promise<{ state: SavedGenerations; problem: string | null }> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (e: unknown) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT'
    return { state: { secret: randomBytes(32), sessions: [] }, problem: missing ? null : `cannot read ${path}: ${String(e)}` }
  }
  try {
    const doc = JSON.parse(text) as { secret?: unknown; sessions?: unknown }
    const secret = typeof doc.secret === 'string' && /^[0-9a-f]{64}$/.test(doc.secret) ? Buffer.from(doc.secret, 'hex') : null
    if (secret === null) return { state: { secret: randomBytes(32), sessions: [] }, problem: `${path}: no valid "secret"; a new one is made (earlier session cookies start new sessions)` }
    const sessions = Array.isArray(doc.sessions) ? doc.sessions.filter(isSaved) : []
    return { state: { secret, sessions }, problem: null }
  } catch (e: unknown) {
    return { state: { secret: randomBytes(32), sessions: [] }, problem: `${path}: not JSON (${String(e)}); a new key is made` }
  }
}

/** Writes the state whole (a temporary file renamed over the old one), readable by the owner only. */
export async function saveGenerationState(path: string, state: SavedGenerations): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  const tmp = `${path}.tmp`
  await writeFile(tmp, JSON.stringify({ secret: state.secret.toString('hex'), sessions: state.sessions }), { mode: 0o600 })
  await rename(tmp, path)
}
