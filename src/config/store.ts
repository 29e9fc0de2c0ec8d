/**
 * The configuration directory: one file per object, read whole and validated whole;
 * single objects written atomically.
 * @module
 */

import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { err, errorMessage, ok } from '../core/index.ts'
import type { Result } from '../core/index.ts'
import type { Diagnostic } from './diagnostic.ts'
import { isIgnoredFileName, typeDirectoryRoots, unsafeNameReason } from './paths.ts'
import { getObjectType } from './schema/index.ts'
import type { RawConfig, RawConfigFile, ValidConfig } from './valid-config.ts'
import { validateConfig } from './validate.ts'
import { checkProperties } from './validate-object.ts'
import { isPlainObject } from './validate-value.ts'

interface Walk {
  readonly root: string
  readonly files: RawConfigFile[]
  readonly problems: Diagnostic[]
}

/** Reads and validates a configuration directory; never rejects. */
export async function loadConfigDir(dir: string): Promise<Result<ValidConfig, Diagnostic[]>> {
  return validateConfig(await readConfigDir(dir))
}

/** Reads every file of a configuration directory that the loader looks at; never rejects. */
export async function readConfigDir(dir: string): Promise<RawConfig> {
  const walk: Walk = { root: dir, files: [], problems: [] }
  const top = await listDir(walk, '')
  for (const entry of top ?? []) {
    if (entry.kind === 'file') {
      await readInto(walk, entry.name)
    } else if (getObjectType(entry.name) !== undefined) {
      await readTypeDir(walk, entry.name)
    } else if (typeDirectoryRoots().has(entry.name)) {
      for (const sub of (await listDir(walk, entry.name)) ?? []) {
        const rel = `${entry.name}/${sub.name}`
        if (sub.kind === 'dir' && getObjectType(rel) !== undefined) await readTypeDir(walk, rel)
        else problem(walk, rel, `unknown ${sub.kind === 'dir' ? 'directory' : 'file'} "${rel}"`)
      }
    } else {
      const known = [...typeDirectoryRoots()].sort().join(', ')
      problem(walk, entry.name, `unknown top-level directory "${entry.name}"; known: ${known}`)
    }
  }
  return { dir, files: walk.files, problems: walk.problems }
}

/** Validates a configuration given as relative path to content, e.g. `{'pools/web': '{...}'}`. */
export function loadConfigFromObjects(
  files: Readonly<Record<string, string | Uint8Array>>,
  dir?: string,
): Result<ValidConfig, Diagnostic[]> {
  return validateConfig({ dir, files: Object.entries(files).map(([path, content]) => ({ path, content })) })
}

async function readTypeDir(walk: Walk, rel: string): Promise<void> {
  if (getObjectType(rel)?.kind === 'singleton') {
    problem(walk, rel, `${rel} is a single file, not a directory`)
    return
  }
  for (const entry of (await listDir(walk, rel)) ?? []) {
    const path = `${rel}/${entry.name}`
    if (entry.kind === 'file') await readInto(walk, path)
    else problem(walk, path, `unexpected directory inside ${rel}`)
  }
}

async function listDir(walk: Walk, rel: string): Promise<{ name: string; kind: 'file' | 'dir' }[] | undefined> {
  let names: string[]
  try {
    names = await readdir(join(walk.root, rel))
  } catch (e) {
    problem(walk, rel, `cannot read the directory: ${errorMessage(e)}`)
    return undefined
  }
  const entries: { name: string; kind: 'file' | 'dir' }[] = []
  for (const name of names.sort()) {
    if (isIgnoredFileName(name)) continue
    const path = rel === '' ? name : `${rel}/${name}`
    try {
      const s = await stat(join(walk.root, path))
      if (s.isDirectory()) entries.push({ name, kind: 'dir' })
      else if (s.isFile()) entries.push({ name, kind: 'file' })
      else problem(walk, path, 'neither a file nor a directory')
    } catch (e) {
      problem(walk, path, `cannot read: ${errorMessage(e)}`)
    }
  }
  return entries
}

async function readInto(walk: Walk, rel: string): Promise<void> {
  try {
    walk.files.push({ path: rel, content: await readFile(join(walk.root, rel)) })
  } catch (e) {
    problem(walk, rel, `cannot read: ${errorMessage(e)}`)
  }
}

function problem(walk: Walk, rel: string, reason: string): void {
  walk.problems.push({ file: join(walk.root, rel), objectType: '', objectName: '', reason })
}

let tempCounter = 0

/**
 * Writes one object as canonical JSON (`{"properties": ...}`, sorted keys, two-space indent,
 * trailing newline), or raw content for rules and other file types, atomically: a hidden
 * temporary file is renamed over the target. A YAML file for the same name is removed so
 * the name stays defined once. The object is checked against its type (references to other
 * objects are not); the result is the path written.
 */
export async function writeConfigObject(
  dir: string,
  typeUri: string,
  name: string,
  body: unknown,
): Promise<Result<string, Diagnostic[]>> {
  const located = locate(dir, typeUri, name)
  if (!located.ok) return located
  const { path, kind } = located.value
  let content: string | Uint8Array
  if (kind === 'raw') {
    if (typeof body !== 'string' && !(body instanceof Uint8Array)) {
      return fail(typeUri, name, 'the content of a raw file must be a string or bytes')
    }
    content = body
  } else {
    const type = getObjectType(typeUri)
    if (type === undefined || !isPlainObject(body)) return fail(typeUri, name, 'properties must be an object of sections')
    const problems = checkProperties(type, body).problems
    if (problems.length > 0) {
      return err(problems.map((p) => ({ file: path, objectType: typeUri, objectName: objName(kind, name), key: p.key, reason: p.reason })))
    }
    content = `${JSON.stringify({ properties: sortKeys(body) }, null, 2)}\n`
  }
  const temp = join(dirname(path), `.${kind === 'singleton' ? typeUri : name}.tmp-${process.pid}-${++tempCounter}`)
  try {
    await mkdir(dirname(path), { recursive: true })
    await writeFile(temp, content)
    await rename(temp, path)
    if (kind !== 'raw') await Promise.all([rm(`${path}.yaml`, { force: true }), rm(`${path}.yml`, { force: true })])
  } catch (e) {
    await rm(temp, { force: true }).catch(() => undefined)
    return fail(typeUri, name, `cannot write ${path}: ${errorMessage(e)}`)
  }
  return ok(path)
}

/** Removes one object (all its encodings); the result says whether anything was there. */
export async function deleteConfigObject(dir: string, typeUri: string, name: string): Promise<Result<boolean, Diagnostic[]>> {
  const located = locate(dir, typeUri, name)
  if (!located.ok) return located
  const { path, kind } = located.value
  const paths = kind === 'raw' ? [path] : [path, `${path}.yaml`, `${path}.yml`]
  let found = false
  try {
    for (const p of paths) {
      const existed = await stat(p).then(() => true, () => false)
      if (existed) await rm(p)
      found ||= existed
    }
  } catch (e) {
    return fail(typeUri, name, `cannot delete ${path}: ${errorMessage(e)}`)
  }
  return ok(found)
}

function locate(
  dir: string,
  typeUri: string,
  name: string,
): Result<{ path: string; kind: 'object' | 'singleton' | 'raw' }, Diagnostic[]> {
  const type = getObjectType(typeUri)
  if (type === undefined) return fail(typeUri, name, `unknown object type "${typeUri}"`)
  if (type.kind === 'singleton') return ok({ path: join(dir, type.uri), kind: type.kind })
  const unsafe = unsafeNameReason(name)
  if (unsafe !== undefined) return fail(typeUri, name, `not a safe file name: ${unsafe}`)
  return ok({ path: join(dir, type.uri, name), kind: type.kind })
}

function objName(kind: string, name: string): string {
  return kind === 'singleton' ? '' : name
}

function fail(objectType: string, objectName: string, reason: string): { ok: false; error: Diagnostic[] } {
  return err([{ objectType, objectName, reason }])
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (!isPlainObject(value)) return value
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortKeys(value[k])]),
  )
}
