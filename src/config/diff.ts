/**
 * What a configuration change does: which objects it adds, changes and removes, by
 * `type/name` (`pools/web`, `global_settings`), for the log line a reload writes.
 * @module
 */
import { isDeepStrictEqual } from 'node:util'
import type { ValidConfig } from './valid-config.ts'

export interface ConfigDiff {
  readonly added: readonly string[]
  readonly changed: readonly string[]
  readonly removed: readonly string[]
}

/** Objects of every type compared by value: typed ones by their filled properties, raw ones by bytes. */
export function diffConfigs(before: ValidConfig, after: ValidConfig): ConfigDiff {
  const added: string[] = []
  const changed: string[] = []
  const removed: string[] = []
  const compare = <T>(uri: string, a: ReadonlyMap<string, T> | undefined, b: ReadonlyMap<string, T> | undefined, same: (x: T, y: T) => boolean) => {
    const label = (name: string) => (name === uri ? uri : `${uri}/${name}`)
    for (const [name, value] of b ?? []) {
      const old = a?.get(name)
      if (old === undefined) added.push(label(name))
      else if (!same(old, value)) changed.push(label(name))
    }
    for (const name of a?.keys() ?? []) if (b?.has(name) !== true) removed.push(label(name))
  }
  const uris = new Set([...before.objects.keys(), ...after.objects.keys()])
  for (const uri of [...uris].sort()) compare(uri, before.objects.get(uri), after.objects.get(uri), isDeepStrictEqual)
  const rawUris = new Set([...before.rawFiles.keys(), ...after.rawFiles.keys()])
  for (const uri of [...rawUris].sort()) compare(uri, before.rawFiles.get(uri), after.rawFiles.get(uri), (x, y) => x.equals(y))
  return { added: added.sort(), changed: changed.sort(), removed: removed.sort() }
}

/** At most this many names per kind in a summary; the rest are counted. */
const MAX_NAMED = 20

/** `added pools/b; changed virtual_servers/web; removed rules/old`, or `no object changed`. */
export function describeConfigDiff(diff: ConfigDiff): string {
  const parts: string[] = []
  for (const [verb, names] of [['added', diff.added], ['changed', diff.changed], ['removed', diff.removed]] as const) {
    if (names.length === 0) continue
    const shown = names.slice(0, MAX_NAMED).join(', ')
    parts.push(`${verb} ${shown}${names.length > MAX_NAMED ? ` and ${String(names.length - MAX_NAMED)} more` : ''}`)
  }
  return parts.length === 0 ? 'no object changed' : parts.join('; ')
}
