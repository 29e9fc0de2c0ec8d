/**
 * Changes to the configuration made through the API: one at a time, validated whole in memory,
 * applied to traffic, and only then written to the configuration directory. Nothing is ever
 * half-applied: a change that fails validation or apply leaves both the running configuration
 * and the directory untouched.
 * @module
 */
import {
  findReferrers,
  deleteConfigObject,
  getObjectType,
  loadConfigFromObjects,
  writeConfigObject,
  type Diagnostic,
  type ObjectTypeSchema,
  type ValidConfig,
} from '../config/index.ts'
import { errorMessage } from '../core/index.ts'
import { isRecord, mergeProperties, objectPaths, readFileSet, storedProperties, type FileSet } from './config-files.ts'
import { checkRuleText } from './rule-check.ts'

/** What the editor needs from the running process. */
export interface ApplyTarget {
  apply(config: ValidConfig): Promise<{ ok: true } | { ok: false; error: Diagnostic[] }>
}

/** The outcome of one change. `before`/`after` are the stored documents (or raw text). */
export type ChangeOutcome =
  | { readonly kind: 'created' | 'updated' | 'deleted'; readonly before: unknown; readonly after: unknown; readonly config: ValidConfig }
  | { readonly kind: 'invalid'; readonly diagnostics: readonly Diagnostic[] }
  | { readonly kind: 'not_found' }
  | { readonly kind: 'in_use'; readonly referrers: readonly string[] }
  | { readonly kind: 'failed'; readonly message: string }

export class ConfigEditor {
  readonly #dir: string
  readonly #target: ApplyTarget
  #queue: Promise<unknown> = Promise.resolve()

  constructor(configDir: string, target: ApplyTarget) {
    this.#dir = configDir
    this.#target = target
  }

  /** Creates or partially updates an object; `body` is `{"properties": ...}` or raw bytes. */
  put(uri: string, name: string, body: unknown): Promise<ChangeOutcome> {
    return this.#serial(() => this.#put(uri, name, body))
  }

  /** Deletes an object, refusing while other objects name it. */
  delete(uri: string, name: string): Promise<ChangeOutcome> {
    return this.#serial(() => this.#delete(uri, name))
  }

  /**
   * Runs `work` between changes, never during one: the directory watcher reloads through here,
   * so it never reads a change that is written but not yet applied (or being rolled back).
   */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work)
    this.#queue = next.catch(() => undefined)
    return next
  }

  #serial(run: () => Promise<ChangeOutcome>): Promise<ChangeOutcome> {
    return this.exclusive(run).catch((e: unknown): ChangeOutcome => ({ kind: 'failed', message: errorMessage(e) }))
  }

  async #put(uri: string, name: string, body: unknown): Promise<ChangeOutcome> {
    const type = getObjectType(uri)
    if (type === undefined) return { kind: 'not_found' }
    const files = await readFileSet(this.#dir)
    const paths = objectPaths(type, name)
    const existed = type.kind === 'singleton' || paths.all.some((p) => files.has(p))
    let before: unknown = null
    let after: unknown
    if (type.kind === 'raw') {
      before = files.get(paths.canonical)?.toString('utf8') ?? null
      const bytes = Buffer.isBuffer(body) ? body : Buffer.from(String(body))
      after = bytes.toString('utf8')
      files.set(paths.canonical, bytes)
    } else {
      const change = isRecord(body) ? body['properties'] : undefined
      if (!isRecord(body) || !isRecord(change) || Object.keys(body).some((k) => k !== 'properties')) {
        return invalid(type, name, 'the body must be {"properties": {"<section>": {"<key>": value}}}')
      }
      const stored = storedProperties(files, type, name)
      before = stored === undefined ? null : { properties: stored }
      after = { properties: mergeProperties(stored ?? {}, change) }
      for (const p of paths.all) files.delete(p)
      files.set(paths.canonical, Buffer.from(JSON.stringify(after)))
    }
    const checked = this.#check(files, type, name)
    if (checked.kind !== 'valid') return checked
    const applied = await this.#target.apply(checked.config)
    if (!applied.ok) return { kind: 'invalid', diagnostics: applied.error }
    const written = await writeConfigObject(this.#dir, uri, name, type.kind === 'raw' ? files.get(paths.canonical) : (after as { properties: unknown }).properties)
    if (!written.ok) return { kind: 'failed', message: written.error.map((d) => d.reason).join('; ') }
    return { kind: existed ? 'updated' : 'created', before, after, config: checked.config }
  }

  async #delete(uri: string, name: string): Promise<ChangeOutcome> {
    const type = getObjectType(uri)
    if (type === undefined || type.kind === 'singleton') return { kind: 'not_found' }
    const files = await readFileSet(this.#dir)
    const paths = objectPaths(type, name)
    if (!paths.all.some((p) => files.has(p))) return { kind: 'not_found' }
    const current = loadConfigFromObjects(Object.fromEntries(files), this.#dir)
    if (current.ok) {
      const referrers = findReferrers(current.value.objects, uri, name)
      if (referrers.length > 0) return { kind: 'in_use', referrers }
    }
    const stored = type.kind === 'raw' ? (files.get(paths.canonical)?.toString('utf8') ?? null) : { properties: storedProperties(files, type, name) }
    for (const p of paths.all) files.delete(p)
    const checked = this.#check(files, type, name)
    if (checked.kind !== 'valid') return checked
    const applied = await this.#target.apply(checked.config)
    if (!applied.ok) return { kind: 'invalid', diagnostics: applied.error }
    const removed = await deleteConfigObject(this.#dir, uri, name)
    if (!removed.ok) return { kind: 'failed', message: removed.error.map((d) => d.reason).join('; ') }
    return { kind: 'deleted', before: stored, after: null, config: checked.config }
  }

  #check(
    files: FileSet,
    type: ObjectTypeSchema,
    name: string,
  ): { kind: 'valid'; config: ValidConfig } | { kind: 'invalid'; diagnostics: readonly Diagnostic[] } {
    const loaded = loadConfigFromObjects(Object.fromEntries(files), this.#dir)
    if (!loaded.ok) return { kind: 'invalid', diagnostics: loaded.error }
    // Dangling references are the validator's (config/cross-check.ts); rules get a syntax check.
    const problems: Diagnostic[] = []
    if (type.uri === 'rules') problems.push(...checkRuleText(loaded.value, name))
    return problems.length > 0 ? { kind: 'invalid', diagnostics: problems } : { kind: 'valid', config: loaded.value }
  }
}

function invalid(type: ObjectTypeSchema, name: string, reason: string): ChangeOutcome {
  return { kind: 'invalid', diagnostics: [{ objectType: type.uri, objectName: type.kind === 'singleton' ? '' : name, reason }] }
}

