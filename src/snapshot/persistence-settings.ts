/**
 * Builds a snapshot's persistence classes from `persistence/<name>` objects and the global
 * `session.*` cache bounds. Types Sluice does not implement yet are reported as problems, so
 * a configuration never silently loses the persistence it asks for.
 * @module
 */
import type { Clock } from '../core/index.ts'
import type { Diagnostic, ValidConfig } from '../config/index.ts'
import { getObjects } from '../config/index.ts'
import { PERSISTENCE_TYPES, PersistenceClass, PersistenceClasses, transparentCookieName, type PersistenceStore } from '../persist/index.ts'

const SECOND_MS = 1000

function sessionLimit(config: ValidConfig, key: string | null, fallback: number): number {
  if (key === null) return fallback
  const value = (config.globalSettings.session as Readonly<Record<string, unknown>>)[key]
  return typeof value === 'number' ? value : fallback
}

export function buildPersistence(config: ValidConfig, store: PersistenceStore, clock: Clock, problems: Diagnostic[]): PersistenceClasses {
  const classes = new Map<string, PersistenceClass>()
  for (const [name, props] of getObjects(config, 'persistence')) {
    const b = props.basic
    const type = PERSISTENCE_TYPES.get(b.type)
    if (type === undefined) {
      problems.push({
        objectType: 'persistence',
        objectName: name,
        key: 'basic.type',
        reason: `persistence type "${b.type}" is not supported yet (supported: ${[...PERSISTENCE_TYPES.keys()].join(', ')})`,
      })
      continue
    }
    if (b.type === 'cookie' && b.cookie.trim() === '') {
      problems.push({ objectType: 'persistence', objectName: name, key: 'basic.cookie', reason: 'type "cookie" needs the name of the application\'s session cookie' })
    }
    if (b.failure_mode === 'url' && b.url === '') {
      problems.push({ objectType: 'persistence', objectName: name, key: 'basic.url', reason: 'failure_mode "url" needs a url' })
    }
    const settings = Object.freeze({
      name,
      failureMode: b.failure_mode,
      url: b.url,
      deleteOnFailure: b.delete,
      subnetPrefixLengthV4: b.subnet_prefix_length_v4,
      subnetPrefixLengthV6: b.subnet_prefix_length_v6,
      cookie: b.cookie.trim(),
      transparentCookie: transparentCookieName(name),
      transparentAlwaysSet: b.transparent_always_set_cookie,
      transparentDirectives: b.transparent_directives,
    })
    const limits = Object.freeze({
      maxEntries: sessionLimit(config, type.cacheSizeKey, 32768),
      expiryMs: sessionLimit(config, type.cacheExpiryKey, 0) * SECOND_MS,
    })
    classes.set(name, new PersistenceClass(settings, type, store, limits))
  }
  return new PersistenceClasses(classes, () => clock.monoMs())
}
