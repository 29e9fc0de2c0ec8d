/**
 * Which objects name a given object, so a delete can be refused with the referrers named.
 * The validator catches most dangling references; this list adds those it does not check.
 * @module
 */
import type { ValidConfig } from '../config/index.ts'

interface Reference {
  readonly from: string
  readonly section: string
  readonly key: string
  readonly to: string
}

/** Every name-valued key that points at another object. */
export const REFERENCES: readonly Reference[] = [
  { from: 'virtual_servers', section: 'basic', key: 'pool', to: 'pools' },
  { from: 'virtual_servers', section: 'basic', key: 'request_rules', to: 'rules' },
  { from: 'virtual_servers', section: 'basic', key: 'response_rules', to: 'rules' },
  { from: 'virtual_servers', section: 'basic', key: 'completion_rules', to: 'rules' },
  { from: 'virtual_servers', section: 'basic', key: 'protection_class', to: 'protection' },
  { from: 'virtual_servers', section: 'basic', key: 'bandwidth_class', to: 'bandwidth' },
  { from: 'virtual_servers', section: 'basic', key: 'slm_class', to: 'service_level_monitors' },
  { from: 'virtual_servers', section: 'ssl', key: 'server_cert_default', to: 'ssl/server_keys' },
  { from: 'pools', section: 'basic', key: 'failure_pool', to: 'pools' },
  { from: 'pools', section: 'basic', key: 'persistence_class', to: 'persistence' },
  { from: 'pools', section: 'basic', key: 'bandwidth_class', to: 'bandwidth' },
  { from: 'pools', section: 'basic', key: 'monitors', to: 'monitors' },
  { from: 'protection', section: 'basic', key: 'rule', to: 'rules' },
  { from: 'event_types', section: 'basic', key: 'actions', to: 'actions' },
]

/** `type/name` of every object whose configuration names `uri/name`, sorted. */
export function findReferrers(config: ValidConfig, uri: string, name: string): string[] {
  const found = new Set<string>()
  for (const ref of REFERENCES) {
    if (ref.to !== uri) continue
    for (const [from, props] of config.objects.get(ref.from) ?? []) {
      const value = props[ref.section]?.[ref.key]
      const names = Array.isArray(value) ? value.map(nameOf) : [nameOf(value)]
      if (names.includes(name)) found.add(`${ref.from}/${from}`)
    }
  }
  return [...found].sort()
}

/** References this list adds to the validator's: `type/name key -> target` for missing targets. */
export function danglingReferences(config: ValidConfig): { object: string; key: string; target: string }[] {
  const out: { object: string; key: string; target: string }[] = []
  for (const ref of REFERENCES) {
    if (ref.to !== 'actions') continue
    const targets = config.objects.get(ref.to)
    for (const [from, props] of config.objects.get(ref.from) ?? []) {
      const value = props[ref.section]?.[ref.key]
      for (const target of Array.isArray(value) ? value.map(nameOf) : [nameOf(value)]) {
        if (target !== '' && targets?.has(target) !== true) out.push({ object: `${ref.from}/${from}`, key: `${ref.section}.${ref.key}`, target: `${ref.to}/${target}` })
      }
    }
  }
  return out
}

function nameOf(value: unknown): string {
  if (typeof value === 'string') return value
  if (typeof value === 'object' && value !== null && 'name' in value && typeof value.name === 'string') return value.name
  return ''
}
