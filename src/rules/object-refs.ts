/**
 * Rule functions whose argument names a configuration object (a pool, a rate class, a bandwidth
 * class, a persistence class, a service level monitor). A literal name is a reference like any
 * other: when the checker is told which objects exist, a name outside them is an error, and the
 * names a rule uses are kept so an object a rule uses cannot be deleted.
 * @module
 */
import type { Expr } from './ast.ts'
import type { CompileContext } from './compile-context.ts'

/** The configuration types whose objects rules name, by type URI. */
export const RULE_OBJECT_TYPES = ['pools', 'rate', 'bandwidth', 'persistence', 'service_level_monitors'] as const

/** Where referenced objects live: the configuration type URI. */
export type ObjectTypeUri = (typeof RULE_OBJECT_TYPES)[number]

interface ObjectArg {
  readonly arg: number
  readonly type: ObjectTypeUri
}

// Keyed by the documented name, lower-cased (aliases resolve to these before the lookup). The
// pool queries (pool.activenodes, pool.checknode, ...) are left out: they answer for a pool that
// does not exist (0, NOSUCHPOOL), which rules use to test for one.
const OBJECT_ARGS: ReadonlyMap<string, ObjectArg> = new Map([
  ['pool.use', { arg: 0, type: 'pools' }],
  ['pool.select', { arg: 0, type: 'pools' }],
  ['rate.use', { arg: 0, type: 'rate' }],
  ['rate.use.noqueue', { arg: 0, type: 'rate' }],
  ['rate.getbacklog', { arg: 0, type: 'rate' }],
  ['request.setbandwidthclass', { arg: 0, type: 'bandwidth' }],
  ['response.setbandwidthclass', { arg: 0, type: 'bandwidth' }],
  ['connection.setpersistence', { arg: 0, type: 'persistence' }],
  ['connection.setservicelevelclass', { arg: 0, type: 'service_level_monitors' }],
  ['slm.conforming', { arg: 0, type: 'service_level_monitors' }],
  ['slm.isok', { arg: 0, type: 'service_level_monitors' }],
  ['slm.threshold', { arg: 0, type: 'service_level_monitors' }],
])

const LABELS: Readonly<Record<ObjectTypeUri, string>> = {
  pools: 'pool',
  rate: 'rate class',
  bandwidth: 'bandwidth class',
  persistence: 'persistence class',
  service_level_monitors: 'service level monitor',
}

// Names that stand for no object: the built-in discard pool, and "" (clears a class).
function isBuiltIn(type: ObjectTypeUri, name: string): boolean {
  return name === '' ? type !== 'pools' : type === 'pools' && name === 'discard'
}

/** Records a literal object name passed to `defName` and reports one that does not exist. */
export function checkObjectArg(c: CompileContext, defName: string, args: readonly Expr[]): void {
  const ref = OBJECT_ARGS.get(defName.toLowerCase())
  if (ref === undefined) return
  const a = args[ref.arg]
  if (a?.kind !== 'str' || isBuiltIn(ref.type, a.value)) return
  let used = c.objectsUsed.get(ref.type)
  if (used === undefined) {
    used = new Set()
    c.objectsUsed.set(ref.type, used)
  }
  used.add(a.value)
  const known = c.options.knownObjects?.get(ref.type)
  if (known !== undefined && !known.has(a.value)) {
    c.error(a.span, `${LABELS[ref.type]} "${a.value}" does not exist (no ${ref.type}/${a.value} in the configuration)`)
  }
}
