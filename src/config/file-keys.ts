/**
 * Keys that name a PEM file instead of holding the PEM text (Sluice extensions of
 * `ssl/server_keys` and `ssl/client_keys`): the file is read whenever the configuration is
 * validated (at start, on every reload, on every API change), and its content stands in for the
 * key it replaces, so a certificate renewed by an ACME client or a secrets manager is picked up
 * by the next reload, and a changed file is a changed configuration.
 * @module
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { isAbsolute, join } from 'node:path'
import { errorMessage } from '../core/index.ts'
import type { FilledProperties } from './validate-object.ts'
import type { ValueProblem } from './validate-value.ts'

/** The largest file a key may name: far more than any certificate chain. */
export const MAX_KEY_FILE_BYTES = 1024 * 1024

/** Per type: [section, the key naming a file, the key its content stands in for]. */
const FILE_KEYS: Readonly<Record<string, readonly (readonly [string, string, string])[]>> = {
  'ssl/server_keys': [['basic', 'public_file', 'public'], ['basic', 'private_file', 'private']],
  'ssl/client_keys': [['basic', 'public_file', 'public'], ['basic', 'private_file', 'private']],
}

/** Reads up to `limit` + 1 bytes of `path`, so a larger file is noticed without reading it all. */
function readBounded(path: string, limit: number): Buffer {
  const fd = openSync(path, 'r')
  try {
    if (!fstatSync(fd).isFile()) throw new Error('not a regular file')
    const buffer = Buffer.alloc(limit + 1)
    let length = 0
    while (length <= limit) {
      const n = readSync(fd, buffer, length, buffer.length - length, null)
      if (n === 0) break
      length += n
    }
    return buffer.subarray(0, length)
  } finally {
    closeSync(fd)
  }
}

/** Where a file key's relative path points: below the configuration directory. */
export function keyFilePath(value: string, dir: string | undefined): string | undefined {
  if (isAbsolute(value)) return value
  return dir === undefined ? undefined : join(dir, value)
}

/**
 * Reads every file key set in `properties` (of an object of `typeUri`) into the key it stands in
 * for; returns the problems (the key, the file's name and why).
 */
export function readFileKeys(
  typeUri: string,
  properties: FilledProperties,
  dir: string | undefined,
  read: (path: string, limit: number) => Buffer = readBounded,
): ValueProblem[] {
  const problems: ValueProblem[] = []
  for (const [section, fileKey, contentKey] of FILE_KEYS[typeUri] ?? []) {
    const keys = properties[section]
    const value = keys?.[fileKey]
    if (keys === undefined || typeof value !== 'string' || value === '') continue
    const key = `${section}.${fileKey}`
    if (keys[contentKey] !== '') {
      problems.push({ key, reason: `give ${section}.${contentKey} or ${key}, not both` })
      continue
    }
    const path = keyFilePath(value, dir)
    if (path === undefined) {
      problems.push({ key, reason: `"${value}" is a relative path, and this configuration has no directory; give an absolute path` })
      continue
    }
    let content: Buffer
    try {
      content = read(path, MAX_KEY_FILE_BYTES)
    } catch (e: unknown) {
      problems.push({ key, reason: `cannot read ${path}: ${errorMessage(e)}` })
      continue
    }
    if (content.length > MAX_KEY_FILE_BYTES) {
      problems.push({ key, reason: `${path} is larger than ${String(MAX_KEY_FILE_BYTES / 1024)} KiB` })
      continue
    }
    const text = content.toString('utf8')
    if (!text.includes('-----BEGIN ')) {
      problems.push({ key, reason: `${path} holds no PEM block (-----BEGIN ...)` })
      continue
    }
    keys[contentKey] = text
  }
  return problems
}

/**
 * A problem found with `key` (`basic.public`) of an object of `typeUri`, moved to the file key
 * that filled it (`basic.public_file`) with the file's name, when the content came from a file.
 */
export function keyProblemAt(
  typeUri: string,
  problem: ValueProblem,
  properties: object,
  dir: string | undefined,
): ValueProblem {
  for (const [section, fileKey, content] of FILE_KEYS[typeUri] ?? []) {
    if (`${section}.${content}` !== problem.key) continue
    const keys: unknown = (properties as Readonly<Record<string, unknown>>)[section]
    const value = typeof keys === 'object' && keys !== null ? (keys as Readonly<Record<string, unknown>>)[fileKey] : undefined
    if (typeof value !== 'string' || value === '') return problem
    return { key: `${section}.${fileKey}`, reason: `${keyFilePath(value, dir) ?? value}: ${problem.reason}` }
  }
  return problem
}
