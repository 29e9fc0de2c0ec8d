/**
 * pool.*: choosing a pool (use ends request rules, select continues) and reading node lists.
 * @module
 */
import type { NodeState } from '../host.ts'
import type { FunctionSpec, LibraryModule } from '../registry.ts'
import type { RunState } from '../run-state.ts'
import type { Value } from '../value.ts'
import { intArg, str } from './args.ts'

/** The built-in pseudo-pool that drops the connection. */
export const DISCARD_POOL = 'discard'

function choose(s: RunState, a: readonly Value[], ends: boolean): Value {
  const name = str(a, 0)
  const d = s.decision
  if (name === DISCARD_POOL) {
    d.action = 'discard'
    d.final = true
    s.stop()
    return ''
  }
  if (s.phase !== 'REQUEST') {
    s.services.log('warn', s.ruleName, `rule ${s.ruleName}: line ${s.line}: pool.${ends ? 'use' : 'select'} has no effect in ${s.phase.toLowerCase()} rules`)
    return ''
  }
  if (!s.services.pools.exists(name)) {
    // An unknown pool falls back to the virtual server's default pool, with a warning.
    s.services.log('warn', s.ruleName, `rule ${s.ruleName}: line ${s.line}: pool "${name}" does not exist; using the default pool`)
    s.services.emitEvent('rules_pooluseunknown', `rule ${s.ruleName} chose unknown pool "${name}"`)
    d.pool = null
  } else {
    d.pool = name
  }
  d.poolHost = a.length > 1 ? str(a, 1) : null
  d.poolPort = a.length > 2 ? intArg(a, 2) : null
  if (ends) {
    d.action = 'use-pool'
    d.final = true
    s.stop()
  }
  return ''
}

function count(state: NodeState): FunctionSpec {
  return { min: 1, max: 1, fn: (s, a) => s.services.pools.listNodes(str(a, 0), state)?.length ?? 0 }
}

function list(state: NodeState | 'all'): FunctionSpec {
  return { min: 1, max: 1, fn: (s, a) => [...(s.services.pools.listNodes(str(a, 0), state) ?? [])] }
}

function checkNode(s: RunState, pool: string, host: string, port: number): string {
  const all = s.services.pools.listNodes(pool, 'all')
  if (all === undefined) return 'NOSUCHPOOL'
  const node = `${host}:${port}`
  if (!all.includes(node)) return all.some((n) => n.startsWith(host + ':')) ? 'NOTINPOOL' : 'NOSUCHHOST'
  const states: readonly [NodeState, string][] = [['active', 'ACTIVE'], ['draining', 'DRAINING'], ['disabled', 'DISABLED'], ['failed', 'DEAD']]
  for (const [st, label] of states) if (s.services.pools.listNodes(pool, st)?.includes(node) === true) return label
  return 'DEAD'
}

export const poolModule: LibraryModule = {
  functions: {
    'pool.use': { min: 1, max: 3, literalArg: 0, fn: (s, a) => choose(s, a, true) },
    'pool.select': { min: 1, max: 3, literalArg: 0, fn: (s, a) => choose(s, a, false) },
    'pool.activenodes': count('active'),
    'pool.failednodes': count('failed'),
    'pool.drainingnodes': count('draining'),
    'pool.disablednodes': count('disabled'),
    'pool.listactivenodes': list('active'),
    'pool.listfailednodes': list('failed'),
    'pool.listdrainingnodes': list('draining'),
    'pool.listdisablednodes': list('disabled'),
    'pool.listallnodes': list('all'),
    'pool.checknode': { min: 3, max: 3, fn: (s, a) => checkNode(s, str(a, 0), str(a, 1), intArg(a, 2)) },
  },
}
