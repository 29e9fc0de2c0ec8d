/**
 * The configuration as the cluster stores it: every file of the configuration directory (its
 * objects, rules and extra files; not `.sluice/`, which is each member's own), in one JSON
 * document, so a version is written and read whole.
 * @module
 */
import { createHash } from 'node:crypto'

/** Relative path to content, as the API's file sets hold them. */
export type Files = ReadonlyMap<string, Buffer>

/** `{"files": {"pools/web": "<base64>", ...}}`, paths sorted, so equal directories give equal documents. */
export function encodeConfigDoc(files: Files): string {
  const out: Record<string, string> = {}
  for (const path of [...files.keys()].sort()) out[path] = (files.get(path) ?? Buffer.alloc(0)).toString('base64')
  return JSON.stringify({ files: out })
}

/** The files of a document, or null when it is not one. */
export function decodeConfigDoc(doc: string): Map<string, Buffer> | null {
  let parsed: unknown
  try {
    parsed = JSON.parse(doc)
  } catch {
    return null
  }
  const files = typeof parsed === 'object' && parsed !== null ? (parsed as { files?: unknown }).files : undefined
  if (typeof files !== 'object' || files === null) return null
  const out = new Map<string, Buffer>()
  for (const [path, content] of Object.entries(files)) {
    // A path that climbs out of the directory, or into the member's own state, is never written.
    if (typeof content !== 'string' || path.split('/').some((p) => p === '' || p === '..' || p.startsWith('.'))) return null
    out.set(path, Buffer.from(content, 'base64'))
  }
  return out
}

/** A short digest of a document, to tell whether two are the same configuration. */
export function docFingerprint(doc: string): string {
  return createHash('sha256').update(doc).digest('hex').slice(0, 16)
}
