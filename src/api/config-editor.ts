/**
 * Changes to the configuration made through the API: one at a time, validated whole in memory,
 * written to the configuration directory (atomically), and only then applied to traffic. Nothing
 * is ever half-applied: a change that fails validation or the write leaves both the running
 * configuration and the directory untouched, and one that fails to apply is taken off the disk
 * again. So traffic never runs a configuration the directory does not hold.
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
import { diagnoseConfig, ruleReferrers } from '../snapshot/index.ts'
import { isRecord, mergeProperties, objectPaths, readFileSet, restoreFiles, storedProperties, type FileSet } from './config-files.ts'
import { REDACTED, keepWriteOnly } from './redact.ts'

/**
 * What the editor needs from the running process. `conflict` (a cluster member, issue #16): the
 * change lost a race with another member's, which is running instead.
 */
export interface ApplyTarget {
  apply(config: ValidConfig): Promise<{ ok: true } | { ok: false; error: Diagnostic[]; conflict?: boolean }>
}

/** The outcome of one change. `before`/`after` are the stored documents (or raw text). */
export type ChangeOutcome =
  | {
      readonly kind: 'created' | 'updated' | 'deleted'
      readonly before: unknown
      readonly after: unknown
      readonly config: ValidConfig
      /** Every warning about the resulting configuration, as `sluice check` prints them. */
      readonly warnings: readonly Diagnostic[]
    }
  | {
      /** A dry run: what the change would store, checked but neither written nor applied. */
      readonly kind: 'previewed'
      readonly isNew: boolean
      readonly before: unknown
      readonly after: unknown
      readonly warnings: readonly Diagnostic[]
    }
  | { readonly kind: 'invalid'; readonly diagnostics: readonly Diagnostic[]; readonly warnings?: readonly Diagnostic[] }
  | { readonly kind: 'not_found' }
  | { readonly kind: 'in_use'; readonly referrers: readonly string[] }
  | { readonly kind: 'failed'; readonly message: string }
  /** Another cluster member changed the configuration first (issue #16); nothing of this change stays. */
  | { readonly kind: 'conflict'; readonly message: string }

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

  /**
   * Checks a `put` without making it: the same validation and the same answer, with the stored
   * document before and after, and nothing written or applied (the web UI's diff and its rule
   * checking as you type).
   */
  preview(uri: string, name: string, body: unknown): Promise<ChangeOutcome> {
    return this.#serial(() => this.#put(uri, name, body, true))
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

  async #put(uri: string, name: string, body: unknown, isDryRun = false): Promise<ChangeOutcome> {
    const type = getObjectType(uri)
    if (type === undefined) return { kind: 'not_found' }
    const files = await readFileSet(this.#dir)
    const paths = objectPaths(type, name)
    const originals = new Map(paths.all.map((p) => [p, files.get(p)]))
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
      const kept = keepWriteOnly(type.uri, change, stored)
      if (!kept.ok) return invalid(type, name, `the value "${REDACTED}" stands for a stored secret, and none is stored; send the value itself`, kept.key)
      before = stored === undefined ? null : { properties: stored }
      after = { properties: mergeProperties(stored ?? {}, kept.change) }
      for (const p of paths.all) files.delete(p)
      files.set(paths.canonical, Buffer.from(JSON.stringify(after)))
    }
    const checked = this.#check(files)
    if (checked.kind !== 'valid') return checked
    if (isDryRun) return { kind: 'previewed', isNew: !existed, before, after, warnings: checked.warnings }
    const content = type.kind === 'raw' ? files.get(paths.canonical) : (after as { properties: unknown }).properties
    const failed = await this.#writeThenApply(originals, checked.config, () => writeConfigObject(this.#dir, uri, name, content))
    if (failed !== undefined) return failed
    return { kind: existed ? 'updated' : 'created', before, after, config: checked.config, warnings: checked.warnings }
  }

  async #delete(uri: string, name: string): Promise<ChangeOutcome> {
    const type = getObjectType(uri)
    if (type === undefined || type.kind === 'singleton') return { kind: 'not_found' }
    const files = await readFileSet(this.#dir)
    const paths = objectPaths(type, name)
    if (!paths.all.some((p) => files.has(p))) return { kind: 'not_found' }
    const current = loadConfigFromObjects(Object.fromEntries(files), this.#dir)
    if (current.ok) {
      // Rules name objects too (`pool.use("web")`); those are references like any other.
      const referrers = [...findReferrers(current.value.objects, uri, name), ...ruleReferrers(current.value, uri, name)]
      if (referrers.length > 0) return { kind: 'in_use', referrers }
    }
    const stored = type.kind === 'raw' ? (files.get(paths.canonical)?.toString('utf8') ?? null) : { properties: storedProperties(files, type, name) }
    const originals = new Map(paths.all.map((p) => [p, files.get(p)]))
    for (const p of paths.all) files.delete(p)
    const checked = this.#check(files)
    if (checked.kind !== 'valid') return checked
    const failed = await this.#writeThenApply(originals, checked.config, () => deleteConfigObject(this.#dir, uri, name))
    if (failed !== undefined) return failed
    return { kind: 'deleted', before: stored, after: null, config: checked.config, warnings: checked.warnings }
  }

  /**
   * Changes the directory, then applies `config`. A failed write is undone and reported; a failed
   * apply puts the files in `originals` back, so the directory keeps matching traffic.
   */
  async #writeThenApply(
    originals: ReadonlyMap<string, Buffer | undefined>,
    config: ValidConfig,
    write: () => Promise<{ ok: true } | { ok: false; error: Diagnostic[] }>,
  ): Promise<ChangeOutcome | undefined> {
    const written = await write()
    if (!written.ok) {
      const leftovers = await restoreFiles(this.#dir, originals)
      return { kind: 'failed', message: [...written.error.map((d) => d.reason), ...leftovers].join('; ') }
    }
    let applied: Awaited<ReturnType<ApplyTarget['apply']>>
    try {
      applied = await this.#target.apply(config)
    } catch (e: unknown) {
      applied = { ok: false, error: [{ objectType: '', objectName: '', reason: `applying the configuration failed: ${errorMessage(e)}` }] }
    }
    if (applied.ok) return undefined
    const leftovers = await restoreFiles(this.#dir, originals)
    if (leftovers.length > 0) return { kind: 'failed', message: [...applied.error.map((d) => d.reason), ...leftovers].join('; ') }
    if (applied.conflict === true) return { kind: 'conflict', message: applied.error.map((d) => d.reason).join('; ') }
    return { kind: 'invalid', diagnostics: applied.error }
  }

  /** The whole configuration, diagnosed as `sluice check` would: every error and warning. */
  #check(
    files: FileSet,
  ):
    | { kind: 'valid'; config: ValidConfig; warnings: readonly Diagnostic[] }
    | { kind: 'invalid'; diagnostics: readonly Diagnostic[]; warnings: readonly Diagnostic[] } {
    const report = diagnoseConfig({ dir: this.#dir, files: [...files].map(([path, content]) => ({ path, content })) })
    if (report.config === null) return { kind: 'invalid', diagnostics: report.errors, warnings: report.warnings }
    return { kind: 'valid', config: report.config, warnings: report.warnings }
  }
}

function invalid(type: ObjectTypeSchema, name: string, reason: string, key?: string): ChangeOutcome {
  const objectName = type.kind === 'singleton' ? '' : name
  return { kind: 'invalid', diagnostics: [{ objectType: type.uri, objectName, ...(key === undefined ? {} : { key }), reason }] }
}

