/**
 * Help text for configuration keys, shown by the web UI's forms and in the OpenAPI document: the
 * key's description from KEY_DESCRIPTIONS (Sluice's own words, the same text as the
 * configuration reference), plus a note when Sluice accepts the key but does not apply it yet.
 * @module
 */
import { NOT_APPLIED, keysOf } from './unsupported.ts'
import { getObjectType } from './schema/index.ts'
import { KEY_DESCRIPTIONS } from './key-descriptions.ts'

let notApplied: ReadonlySet<string> | undefined

/** `uri/section.key` of every key that has no effect yet (whatever its value). */
function notAppliedKeys(): ReadonlySet<string> {
  if (notApplied !== undefined) return notApplied
  const out = new Set<string>()
  for (const row of NOT_APPLIED) {
    const type = getObjectType(row.type)
    if (type === undefined || row.values !== undefined || row.columns !== undefined) continue
    for (const [section, key] of keysOf(type, row)) out.add(`${type.uri}/${section}.${key}`)
  }
  notApplied = out
  return out
}

/** The help text of a key ('' when there is nothing to say). */
export function keyHelp(uri: string, section: string, key: string): string {
  const path = `${uri}/${section}.${key}`
  const described = KEY_DESCRIPTIONS[path] ?? ''
  if (notAppliedKeys().has(path)) return `${described === '' ? '' : `${described} `}Accepted for compatibility with vTM, but not applied by Sluice yet.`
  return described
}
