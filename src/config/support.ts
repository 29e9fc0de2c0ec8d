/**
 * How far Sluice applies each object type and key: supported, partial or not supported yet.
 * Read from NOT_APPLIED, the table that makes `sluice check` warn, so the configuration
 * reference (docs/reference) and the checks can never disagree.
 * @module
 */
import { getObjectType } from './schema/index.ts'
import { DESCRIPTIVE_KEYS, NOT_APPLIED, keysOf } from './unsupported.ts'

export type SupportLevel = 'supported' | 'partial' | 'not yet supported' | 'descriptive'

/** The level, and for `partial` which values or columns have no effect. */
export interface Support {
  readonly level: SupportLevel
  readonly note?: string
}

function list(items: readonly string[]): string {
  return items.map((i) => `\`${i}\``).join(', ')
}

/** How far `section.key` of the type `uri` takes effect. */
export function keySupport(uri: string, section: string, key: string): Support {
  if (DESCRIPTIVE_KEYS.has(key)) return { level: 'descriptive', note: 'kept, never acted on (as in vTM)' }
  const type = getObjectType(uri)
  if (type === undefined) return { level: 'not yet supported' }
  for (const row of NOT_APPLIED) {
    if (row.type !== uri) continue
    if (!keysOf(type, row).some(([s, k]) => s === section && k === key)) continue
    if (row.values !== undefined) return { level: 'partial', note: `not yet: the values ${list(row.values)}` }
    if (row.columns !== undefined) return { level: 'partial', note: `not yet: the column${row.columns.length === 1 ? '' : 's'} ${list(row.columns)}` }
    return { level: 'not yet supported' }
  }
  return { level: 'supported' }
}

/** How far a whole type takes effect: from its keys (raw types: whether any row names them). */
export function typeSupport(uri: string): SupportLevel {
  if (NOT_APPLIED.some((r) => r.type === uri && r.keys === '*' && r.except === undefined)) return 'not yet supported'
  const type = getObjectType(uri)
  if (type === undefined) return 'not yet supported'
  const levels = Object.entries(type.sections).flatMap(([section, keys]) => Object.keys(keys).map((key) => keySupport(uri, section, key).level))
  return levels.some((l) => l === 'partial' || l === 'not yet supported') ? 'partial' : 'supported'
}
