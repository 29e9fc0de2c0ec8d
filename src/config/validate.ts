/**
 * Whole-configuration validation: every file, every object, every reference, all at once.
 * @module
 */

import { join } from 'node:path'
import { ok, err } from '../core/index.ts'
import type { Result } from '../core/index.ts'
import { crossCheck } from './cross-check.ts'
import { readFileKeys } from './file-keys.ts'
import type { PlacedObject } from './cross-check.ts'
import type { Diagnostic } from './diagnostic.ts'
import { parseConfigText } from './parse-file.ts'
import { resolveConfigPath, unsafeNameReason } from './paths.ts'
import { getObjectType, listObjectTypes } from './schema/index.ts'
import type {
  GlobalSettingsProperties,
  PoolProperties,
  VirtualServerProperties,
} from './schema/index.ts'
import type { ObjectProperties, RawConfig, ValidConfig } from './valid-config.ts'
import { unsupportedWarnings } from './unsupported.ts'
import { checkObjectDocument } from './validate-object.ts'
import type { FilledProperties } from './validate-object.ts'

const GLOBAL = 'global_settings'

interface Located {
  readonly file: string | undefined
  readonly content: string | Uint8Array
  readonly encoding: 'json' | 'yaml' | 'raw'
  readonly relPath: string
}

/**
 * The outcome of validating a configuration. `config` is filled even when there are errors
 * (defaults stand in for unusable values, objects that could not be read are missing), so later
 * checks can still report their problems in the same pass; it may be applied only without errors.
 */
export interface ConfigValidation {
  readonly config: ValidConfig
  readonly errors: readonly Diagnostic[]
  readonly warnings: readonly Diagnostic[]
}

/** Validates a raw configuration; reports every problem, fills every default, never throws. */
export function validateConfig(raw: RawConfig): Result<ValidConfig, Diagnostic[]> {
  const v = validateConfigAll(raw)
  return v.errors.length > 0 ? err([...v.errors]) : ok(v.config)
}

/** Like validateConfig, but always builds the configuration and also returns warnings. */
export function validateConfigAll(raw: RawConfig): ConfigValidation {
  const problems: Diagnostic[] = [...(raw.problems ?? [])]
  const fileOf = (rel: string): string | undefined => (raw.dir === undefined ? undefined : join(raw.dir, rel))
  const where = (file: string | undefined): { file?: string } => (file === undefined ? {} : { file })

  // Group files by (type, name) so one name given twice is caught before anything else.
  const located = new Map<string, Map<string, Located[]>>()
  for (const f of raw.files) {
    const file = fileOf(f.path)
    const resolved = resolveConfigPath(f.path)
    if (!resolved.ok) {
      problems.push({ ...where(file ?? f.path), objectType: resolved.objectType, objectName: '', reason: resolved.reason })
      continue
    }
    const { type, name, encoding } = resolved
    const unsafe = unsafeNameReason(name)
    if (unsafe !== undefined) {
      problems.push({ ...where(file), objectType: type.uri, objectName: name, reason: `not a safe file name: ${unsafe}` })
      continue
    }
    const byName = located.get(type.uri) ?? new Map<string, Located[]>()
    located.set(type.uri, byName)
    byName.set(name, [...(byName.get(name) ?? []), { file, content: f.content, encoding, relPath: f.path }])
  }

  const objects = new Map<string, Map<string, PlacedObject>>()
  const rawFiles = new Map<string, Map<string, Buffer>>()
  const files = new Map<string, Map<string, string>>()
  for (const t of listObjectTypes()) {
    if (t.kind === 'raw') rawFiles.set(t.uri, new Map())
    else objects.set(t.uri, new Map())
  }
  for (const [uri, byName] of located) {
    const type = getObjectType(uri)
    if (type === undefined) continue
    for (const [name, copies] of [...byName].sort(([a], [b]) => compare(a, b))) {
      const [first, ...others] = copies
      if (first === undefined) continue
      const objectName = type.kind === 'singleton' ? '' : name
      if (first.file !== undefined) {
        const byFile = files.get(uri) ?? new Map<string, string>()
        files.set(uri, byFile)
        byFile.set(name, first.file)
      }
      if (others.length > 0) {
        const paths = copies.map((c) => c.relPath).sort().join(', ')
        problems.push({ ...where(first.file), objectType: uri, objectName, reason: `defined in more than one file: ${paths}` })
        continue
      }
      if (first.encoding === 'raw') {
        rawFiles.get(uri)?.set(name, Buffer.from(first.content))
        continue
      }
      const text = typeof first.content === 'string' ? first.content : Buffer.from(first.content).toString('utf8')
      const parsed = parseConfigText(text, first.encoding)
      if (!parsed.ok) {
        problems.push({ ...where(first.file), objectType: uri, objectName, reason: parsed.error })
        continue
      }
      const checked = checkObjectDocument(type, parsed.value)
      for (const p of [...checked.problems, ...readFileKeys(uri, checked.properties, raw.dir)]) {
        problems.push({ ...where(first.file), objectType: uri, objectName, ...(p.key === '' ? {} : { key: p.key }), reason: p.reason })
      }
      objects.get(uri)?.set(name, { properties: checked.properties, file: first.file })
    }
  }
  if (objects.get(GLOBAL)?.has(GLOBAL) !== true) {
    objects.get(GLOBAL)?.set(GLOBAL, { properties: defaultProperties(GLOBAL), file: undefined })
  }

  const exists = new Map<string, ReadonlySet<string>>()
  for (const [uri, m] of [...objects, ...rawFiles]) exists.set(uri, new Set(m.keys()))
  problems.push(...crossCheck(objects, exists))
  const warnings = unsupportedWarnings(objects)
  return { config: buildValidConfig(raw.dir, objects, rawFiles, files, warnings), errors: problems, warnings }
}

function buildValidConfig(
  dir: string | undefined,
  placed: ReadonlyMap<string, ReadonlyMap<string, PlacedObject>>,
  rawFiles: ReadonlyMap<string, ReadonlyMap<string, Buffer>>,
  files: ReadonlyMap<string, ReadonlyMap<string, string>>,
  warnings: readonly Diagnostic[],
): ValidConfig {
  const objects = new Map<string, ReadonlyMap<string, ObjectProperties>>()
  for (const [uri, byName] of placed) {
    const sortedEntries = [...byName].sort(([a], [b]) => compare(a, b))
    objects.set(uri, new Map(sortedEntries.map(([name, o]) => [name, deepFreeze(o.properties)])))
  }
  const typed = <T>(uri: string): ReadonlyMap<string, T> =>
    // The properties were filled from the schema that generated these types.
    (objects.get(uri) ?? new Map()) as unknown as ReadonlyMap<string, T>
  const sortedRaw = (uri: string): ReadonlyMap<string, Buffer> =>
    new Map([...(rawFiles.get(uri) ?? [])].sort(([a], [b]) => compare(a, b)))
  const rules = new Map([...sortedRaw('rules')].map(([name, bytes]) => [name, bytes.toString('utf8')]))
  const globalSettings =
    typed<GlobalSettingsProperties>(GLOBAL).get(GLOBAL) ??
    (deepFreeze(defaultProperties(GLOBAL)) as unknown as GlobalSettingsProperties)
  return Object.freeze({
    dir,
    virtualServers: typed<VirtualServerProperties>('virtual_servers'),
    pools: typed<PoolProperties>('pools'),
    globalSettings,
    rules,
    extraFiles: sortedRaw('extra_files'),
    objects,
    rawFiles: new Map([...rawFiles.keys()].map((uri) => [uri, sortedRaw(uri)])),
    files,
    warnings: Object.freeze([...warnings]),
  })
}

/** Every key of a typed object at its default. */
export function defaultProperties(uri: string): FilledProperties {
  const type = getObjectType(uri)
  return type === undefined ? {} : checkObjectDocument(type, { properties: {} }).properties
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v)
    Object.freeze(value)
  }
  return value
}
