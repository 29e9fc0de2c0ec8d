/**
 * Where objects live in a configuration directory, and which names are safe file names.
 * @module
 */

import { reservedNameReason } from './reserved-names.ts'
import { getObjectType, listObjectTypes } from './schema/index.ts'
import type { ObjectTypeSchema } from './schema/index.ts'

/** What a path relative to the configuration directory stands for. */
export type ResolvedPath =
  | {
      readonly ok: true
      readonly type: ObjectTypeSchema
      readonly name: string
      readonly encoding: 'json' | 'yaml' | 'raw'
    }
  | { readonly ok: false; readonly objectType: string; readonly reason: string }

/**
 * The directory inside the configuration directory where Sluice keeps its own files (API users,
 * audit log, default request logs). The loader skips it, as it skips every hidden name.
 */
export const STATE_DIR_NAME = '.sluice'

const YAML_EXT = /\.ya?ml$/

// Characters that are unsafe in a file name on some system, or that have a meaning to a shell
// or a URL path; a name is also a REST URI segment.
const UNSAFE_CHARS = /[\u0000-\u001f\u007f/\\:*?"<>|]/

/** Why a name is not a safe file name, or undefined when it is. */
export function unsafeNameReason(name: string): string | undefined {
  if (name === '') return 'the name is empty'
  if (Buffer.byteLength(name) > 200) return 'the name is longer than 200 bytes'
  if (UNSAFE_CHARS.test(name)) return 'the name contains a control character or one of / \\ : * ? " < > |'
  if (name.startsWith('.')) return 'the name starts with "."'
  if (name.startsWith('-')) return 'the name starts with "-"'
  if (name.endsWith('~')) return 'the name ends with "~" (an editor backup)'
  if (name !== name.trim()) return 'the name starts or ends with white space'
  return reservedNameReason(name)
}

/** Whether a name can be used as a file name and a URI segment as it is. */
export function isSafeObjectName(name: string): boolean {
  return unsafeNameReason(name) === undefined
}

/** Files the loader skips: hidden files and editor backups. */
export function isIgnoredFileName(name: string): boolean {
  return name.startsWith('.') || name.endsWith('~')
}

/** Whether a path relative to the configuration directory lies in a part the loader skips. */
export function isIgnoredPath(relPath: string): boolean {
  return relPath.split(/[\\/]/).some((part) => part !== '' && isIgnoredFileName(part))
}

/** The first path segments of all type URIs, e.g. `ssl` for `ssl/server_keys`. */
export function typeDirectoryRoots(): ReadonlySet<string> {
  return new Set(listObjectTypes().map((t) => t.uri.split('/')[0] ?? t.uri))
}

/** Maps `virtual_servers/web.yaml` to its type, object name and encoding. */
export function resolveConfigPath(relPath: string): ResolvedPath {
  const parts = relPath.split('/')
  const base = parts[parts.length - 1] ?? ''
  const dir = parts.slice(0, -1).join('/')
  if (dir === '') {
    if (base.replace(YAML_EXT, '') === 'global_settings') {
      const type = getObjectType('global_settings')
      if (type !== undefined) {
        return { ok: true, type, name: 'global_settings', encoding: encodingOf(base) }
      }
    }
    return { ok: false, objectType: '', reason: 'unexpected file at the top of the configuration directory' }
  }
  const type = getObjectType(dir)
  if (type === undefined) {
    const root = parts[0] ?? ''
    const known = [...typeDirectoryRoots()].sort().join(', ')
    const where = typeDirectoryRoots().has(root) ? `directory "${dir}"` : `top-level directory "${root}"`
    return { ok: false, objectType: '', reason: `unknown ${where}; known: ${known}` }
  }
  if (type.kind === 'raw') return { ok: true, type, name: base, encoding: 'raw' }
  if (type.kind === 'singleton') {
    return { ok: false, objectType: type.uri, reason: `${type.uri} is a single file, not a directory` }
  }
  return { ok: true, type, name: base.replace(YAML_EXT, ''), encoding: encodingOf(base) }
}

function encodingOf(base: string): 'json' | 'yaml' {
  return YAML_EXT.test(base) ? 'yaml' : 'json'
}
