/**
 * The configuration directory as an in-memory file set, so a change can be validated whole
 * before anything on disk is touched.
 * @module
 */
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { errorMessage } from '../core/index.ts'
import { parse as parseYaml } from 'yaml'
import type { ObjectTypeSchema } from '../config/index.ts'

/** Relative path (`pools/web`) to content. */
export type FileSet = Map<string, Buffer>

/** Reads every visible file below `dir` (hidden files and editor backups are skipped, as the loader does). */
export async function readFileSet(dir: string): Promise<FileSet> {
  const files: FileSet = new Map()
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  for (const e of entries) {
    const rel = join(e.parentPath, e.name).slice(dir.length + 1).split('\\').join('/')
    if (rel.split('/').some((part) => part.startsWith('.') || part.endsWith('~'))) continue
    // The loader follows symbolic links to files; so must this, or linked objects would vanish.
    const isFile = e.isFile() || (e.isSymbolicLink() && (await stat(join(dir, rel)).then((s) => s.isFile(), () => false)))
    if (isFile) files.set(rel, await readFile(join(dir, rel)))
  }
  return files
}

/** The paths an object may be stored under: JSON (no extension), `.yaml` or `.yml`. */
export function objectPaths(type: ObjectTypeSchema, name: string): { canonical: string; all: string[] } {
  const canonical = type.kind === 'singleton' ? type.uri : `${type.uri}/${name}`
  return { canonical, all: type.kind === 'raw' ? [canonical] : [canonical, `${canonical}.yaml`, `${canonical}.yml`] }
}

/** The object's stored `properties` (as written, defaults not filled), or undefined. */
export function storedProperties(files: FileSet, type: ObjectTypeSchema, name: string): Record<string, unknown> | undefined {
  for (const path of objectPaths(type, name).all) {
    const content = files.get(path)
    if (content === undefined) continue
    const text = content.toString('utf8')
    let doc: unknown
    try {
      doc = path.endsWith('.yaml') || path.endsWith('.yml') ? parseYaml(text) : JSON.parse(text)
    } catch {
      // An unreadable file is replaced whole by the change; validation reports it otherwise.
      return {}
    }
    const props = isRecord(doc) ? doc['properties'] : undefined
    return isRecord(props) ? props : {}
  }
  return undefined
}

/**
 * vTM's partial update: sections merge key by key; a key's value (tables included) is replaced
 * whole. Non-object sections are passed through so validation can name them.
 */
export function mergeProperties(base: Record<string, unknown>, change: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base }
  for (const [section, keys] of Object.entries(change)) {
    const old = Object.hasOwn(merged, section) ? merged[section] : undefined
    // Defined, not assigned: a section named `__proto__` must stay a key for validation to refuse.
    Object.defineProperty(merged, section, {
      value: isRecord(keys) && isRecord(old) ? { ...old, ...keys } : keys,
      enumerable: true,
      writable: true,
      configurable: true,
    })
  }
  return merged
}

/** A plain object (not an array, not null). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

let restoreCounter = 0

/**
 * Puts files back as they were before a change: each path that differs gets its old bytes
 * (atomically: a hidden temporary file renamed over it) or is removed when it did not exist.
 * Resolves to the problems met, empty when everything was restored.
 */
export async function restoreFiles(dir: string, before: ReadonlyMap<string, Buffer | undefined>): Promise<string[]> {
  const problems: string[] = []
  for (const [rel, bytes] of before) {
    const path = join(dir, rel)
    const now = await readFile(path).catch(() => undefined)
    if (now === undefined ? bytes === undefined : bytes !== undefined && now.equals(bytes)) continue
    const temp = join(dirname(path), `.${basename(path)}.restore-${String(process.pid)}-${String(++restoreCounter)}`)
    try {
      if (bytes === undefined) {
        await rm(path, { force: true })
      } else {
        // The file's directory may not exist yet (a type's first object, from another member).
        await mkdir(dirname(path), { recursive: true })
        await writeFile(temp, bytes)
        await rename(temp, path)
      }
    } catch (e: unknown) {
      await rm(temp, { force: true }).catch(() => undefined)
      problems.push(`cannot restore ${path}: ${errorMessage(e)}`)
    }
  }
  return problems
}
