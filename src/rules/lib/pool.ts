/**
 * pool.*: choosing a pool (use ends request rules, select continues) and reading node lists.
 * @module
 */
import type { NodeState } from '../host.ts'
import type { FunctionSpec, LibraryModule } from '../registry.ts'
import type { RunState } from '../run-state.ts'
import type { Value } from '../value.ts'
import { asStr, intArg, str } from './args.ts'

/** The name rules give to drop the connection instead of using a real pool. */
export const DISCARD_POOL = 'discard'

function choose(s: RunState, name: string, host: string | null, port: number | null, ends: boolean): Value {
  const d = s.decision
  if (name === DISCARD_POOL) {
    d.action = 'discard'
    d.final = true
    s.stop()
    return ''
  }
  if (s.phase !== 'REQUEST') {
    s.services.log('warn', s.ruleName, `line ${s.line}: pool.${ends ? 'use' : 'select'} has no effect in ${s.phase.toLowerCase()} rules`)
    return ''
  }
  if (!s.services.pools.exists(name)) {
    // An unknown pool falls back to the virtual server's default pool, with a warning.
    s.services.log('warn', s.ruleName, `line ${s.line}: pool "${name}" does not exist; using the default pool`)
    s.services.emitEvent('rules_pooluseunknown', `rule ${s.ruleName} chose unknown pool "${name}"`, s.ruleName)
    d.pool = null
  } else {
    d.pool = name
  }
  d.poolHost = host
  d.poolPort = port
  if (ends) {
    d.action = 'use-pool'
    d.final = true
    s.stop()
  }
  return ''
}

/** pool.use and pool.select: a pool, optionally with the one node (host and port) to use. */
function chooser(ends: boolean): FunctionSpec {
  return {
    min: 1, max: 3, literalArg: 0,
    fn: (s, a) => choose(s, str(a, 0), a.length > 1 ? str(a, 1) : null, a.length > 2 ? intArg(a, 2) : null, ends),
    f1: (s, pool) => choose(s, asStr(pool), null, null, ends),
  }
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
    'pool.use': chooser(true),
    'pool.select': chooser(false),
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
