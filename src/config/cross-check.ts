/**
 * Checks between objects: references by name, and virtual servers that would share a listener.
 * @module
 */

import type { Diagnostic } from './diagnostic.ts'
import type { FilledProperties } from './validate-object.ts'

/** One checked object, with where it came from. */
export interface PlacedObject {
  readonly properties: FilledProperties
  readonly file: string | undefined
}

/** Type URI to the names of its objects. */
export type ObjectIndex = ReadonlyMap<string, { has(name: string): boolean }>

export interface Reference {
  readonly from: string
  readonly section: string
  readonly key: string
  readonly to: string
  readonly builtIn?: readonly string[]
}

/** Every name-valued key that points at another object; an empty string means "none". */
export const REFERENCES: readonly Reference[] = [
  { from: 'virtual_servers', section: 'basic', key: 'pool', to: 'pools', builtIn: ['discard'] },
  { from: 'virtual_servers', section: 'basic', key: 'request_rules', to: 'rules' },
  { from: 'virtual_servers', section: 'basic', key: 'response_rules', to: 'rules' },
  { from: 'virtual_servers', section: 'basic', key: 'completion_rules', to: 'rules' },
  { from: 'virtual_servers', section: 'basic', key: 'protection_class', to: 'protection' },
  { from: 'virtual_servers', section: 'basic', key: 'bandwidth_class', to: 'bandwidth' },
  { from: 'virtual_servers', section: 'basic', key: 'slm_class', to: 'service_level_monitors' },
  { from: 'virtual_servers', section: 'ssl', key: 'server_cert_default', to: 'ssl/server_keys' },
  { from: 'pools', section: 'basic', key: 'failure_pool', to: 'pools', builtIn: ['discard'] },
  { from: 'pools', section: 'basic', key: 'persistence_class', to: 'persistence' },
  { from: 'pools', section: 'basic', key: 'bandwidth_class', to: 'bandwidth' },
  { from: 'protection', section: 'basic', key: 'rule', to: 'rules' },
  // Sluice ships these monitors built in, as vTM ships factory monitors.
  { from: 'pools', section: 'basic', key: 'monitors', to: 'monitors', builtIn: ['Connect', 'Ping', 'Simple HTTP'] },
  { from: 'event_types', section: 'basic', key: 'actions', to: 'actions' },
]

// Protocols carried over UDP; they never clash with TCP listeners on the same port.
const UDP_PROTOCOLS: ReadonlySet<string> = new Set(['dns', 'sipudp', 'udp', 'udpstreaming'])

/** All cross-object problems, in a stable order. */
export function crossCheck(
  objects: ReadonlyMap<string, ReadonlyMap<string, PlacedObject>>,
  exists: ObjectIndex,
): Diagnostic[] {
  const problems: Diagnostic[] = []
  for (const ref of REFERENCES) {
    for (const [name, obj] of objects.get(ref.from) ?? []) {
      const value = obj.properties[ref.section]?.[ref.key]
      const targets = Array.isArray(value) ? value.map(targetName) : [targetName(value)]
      for (const [i, target] of targets.entries()) {
        if (target === '' || ref.builtIn?.includes(target) === true || exists.get(ref.to)?.has(target) === true) continue
        const key = Array.isArray(value) ? `${ref.section}.${ref.key}[${i}]` : `${ref.section}.${ref.key}`
        problems.push({
          ...(obj.file === undefined ? {} : { file: obj.file }),
          objectType: ref.from,
          objectName: name,
          key,
          reason: `names ${ref.to}/${target}, which does not exist`,
        })
      }
    }
  }
  problems.push(...portClashes(objects.get('virtual_servers') ?? new Map()))
  return problems
}

/**
 * `type/name` of every object in `objects` whose configuration names `uri/name`, sorted: the
 * referrers that make deleting that object unsafe.
 */
export function findReferrers(
  objects: ReadonlyMap<string, ReadonlyMap<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>,
  uri: string,
  name: string,
): string[] {
  const found = new Set<string>()
  for (const ref of REFERENCES) {
    if (ref.to !== uri) continue
    for (const [from, props] of objects.get(ref.from) ?? []) {
      const value = props[ref.section]?.[ref.key]
      const names = Array.isArray(value) ? value.map(targetName) : [targetName(value)]
      if (names.includes(name)) found.add(`${ref.from}/${from}`)
    }
  }
  return [...found].sort()
}

function targetName(value: unknown): string {
  if (typeof value === 'string') return value
  if (typeof value === 'object' && value !== null && 'name' in value && typeof value.name === 'string') {
    return value.name
  }
  return ''
}

interface Listener {
  readonly name: string
  readonly obj: PlacedObject
  readonly port: number
  readonly transport: 'tcp' | 'udp'
  /** Undefined means every address. */
  readonly addresses: ReadonlySet<string> | undefined
}

function listenerOf(name: string, obj: PlacedObject): Listener | undefined {
  const basic = obj.properties['basic'] ?? {}
  const { enabled, port, protocol, listen_on_any: any, listen_on_hosts: hosts, listen_on_traffic_ips: tips } = basic
  if (enabled !== true || typeof port !== 'number' || port <= 0) return undefined
  const transport = typeof protocol === 'string' && UDP_PROTOCOLS.has(protocol) ? 'udp' : 'tcp'
  if (any === true) return { name, obj, port, transport, addresses: undefined }
  const addresses = new Set<string>()
  for (const h of Array.isArray(hosts) ? hosts : []) if (typeof h === 'string') addresses.add(h.toLowerCase())
  for (const t of Array.isArray(tips) ? tips : []) if (typeof t === 'string') addresses.add(`traffic ip group ${t}`)
  return { name, obj, port, transport, addresses }
}

function portClashes(servers: ReadonlyMap<string, PlacedObject>): Diagnostic[] {
  const listeners = [...servers]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, obj]) => listenerOf(name, obj))
    .filter((l) => l !== undefined)
  const problems: Diagnostic[] = []
  for (const [i, later] of listeners.entries()) {
    for (const earlier of listeners.slice(0, i)) {
      // Port 0 asks the kernel for a free port: two such listeners never clash.
      if (earlier.port !== later.port || earlier.transport !== later.transport || later.port === 0) continue
      const shared = overlap(earlier.addresses, later.addresses)
      if (shared === undefined) continue
      problems.push({
        ...(later.obj.file === undefined ? {} : { file: later.obj.file }),
        objectType: 'virtual_servers',
        objectName: later.name,
        key: 'basic.port',
        reason: `${later.transport.toUpperCase()} port ${later.port} on ${shared} is also used by enabled virtual server "${earlier.name}"`,
      })
    }
  }
  return problems
}

/** A description of the shared addresses, or undefined when the two sets are disjoint. */
function overlap(a: ReadonlySet<string> | undefined, b: ReadonlySet<string> | undefined): string | undefined {
  if (a === undefined || b === undefined) return 'all addresses'
  const common = [...a].filter((x) => b.has(x))
  return common.length === 0 ? undefined : common.join(', ')
}
