/**
 * What `unknown key` and `unknown section` add to help: the section a misplaced key belongs to
 * (`timeout` under `basic` is `connection.timeout`), or a known name within two edits.
 * @module
 */
import type { ObjectTypeSchema } from './schema/index.ts'

/** Sections of `type` other than `except` that have a key named `key`. */
function sectionsWithKey(type: ObjectTypeSchema, key: string, except: string): string[] {
  return Object.entries(type.sections)
    .filter(([section, keys]) => section !== except && Object.hasOwn(keys, key))
    .map(([section]) => section)
}

function whereItBelongs(key: string, sections: readonly string[]): string {
  const paths = sections.map((s) => `"${s}.${key}"`)
  return sections.length === 1 ? `; "${key}" belongs in section "${sections[0] ?? ''}" (${paths.join('')})` : `; "${key}" is a key of sections ${paths.join(', ')}`
}

/** The hint after `unknown key` for `section.key`. */
export function unknownKeyHint(type: ObjectTypeSchema, section: string, key: string): string {
  const elsewhere = sectionsWithKey(type, key, section)
  if (elsewhere.length > 0) return whereItBelongs(key, elsewhere)
  return suggest(key, Object.keys(type.sections[section] ?? {}))
}

/** The hint after `unknown section` for a section name (a key given one level too high, say). */
export function unknownSectionHint(type: ObjectTypeSchema, section: string): string {
  const asKey = sectionsWithKey(type, section, '')
  if (asKey.length > 0) return `${whereItBelongs(section, asKey)}, inside that section's object`
  return suggest(section, Object.keys(type.sections))
}

/** `; did you mean "x"?` when a known name is within two edits, else nothing. */
export function suggest(name: string, known: readonly string[]): string {
  let best: string | undefined
  let bestDistance = 3
  for (const candidate of known) {
    const d = editDistance(name, candidate)
    if (d < bestDistance) {
      best = candidate
      bestDistance = d
    }
  }
  return best === undefined ? '' : `; did you mean "${best}"?`
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost)
    }
    prev = cur
  }
  return prev[b.length] ?? 0
}
