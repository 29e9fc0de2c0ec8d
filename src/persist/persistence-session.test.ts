import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ManualClock, SeededRandom } from '../core/index.ts'
import { NodeStatus, Pool, PoolNode, PoolRuntime, POOL_BUSY, type NodeState, type PoolSettings } from '../pool/index.ts'
import { PERSISTENCE_TYPES, PersistenceClass, PersistenceClasses, PersistenceStore, isPersistenceFailure, type FailureMode } from './index.ts'

const clock = new ManualClock(1000)

function makePool(name: string, nodes: readonly [string, NodeState][], extra: Partial<PoolSettings> = {}): Pool {
  const settings: PoolSettings = {
    name, nodes: nodes.map(([id, state]) => ({ id, weight: 1, priority: 1, state })), algorithm: 'round_robin',
    priorityEnabled: false, priorityNodes: 1, failurePool: '', maxConnectTimeMs: 4000, maxReplyTimeMs: 30000,
    maxConnectionAttempts: 0, maxTimedOutConnectionAttempts: 2, keepalive: true, keepaliveNonIdempotent: false,
    maxIdleConnectionsPerNode: 0, nagle: true, passiveMonitoring: true, nodeConnectionAttempts: 3, retryFailTimeMs: 60000,
    maxConnectionsPerNode: 0, maxQueueSize: 0, queueTimeoutMs: 10000, persistenceClass: '', ...extra,
  }
  const poolNodes = settings.nodes.map((c) => {
    const colon = c.id.lastIndexOf(':')
    return new PoolNode(c, new NodeStatus(c.id, c.id.slice(0, colon), Number(c.id.slice(colon + 1)), 0))
  })
  return new Pool(settings, poolNodes, new PoolRuntime(name), { clock, random: new SeededRandom(7), events: () => undefined })
}

function classes(store: PersistenceStore, defs: Record<string, { type: string; failureMode?: FailureMode; v4?: number; deleteOnFailure?: boolean }>): PersistenceClasses {
  const map = new Map<string, PersistenceClass>()
  for (const [name, d] of Object.entries(defs)) {
    const type = PERSISTENCE_TYPES.get(d.type)
    if (type === undefined) throw new Error(d.type)
    const settings = {
      name, failureMode: d.failureMode ?? 'new_node', url: 'http://sorry.example/', deleteOnFailure: d.deleteOnFailure ?? true,
      subnetPrefixLengthV4: d.v4 ?? 0, subnetPrefixLengthV6: 0,
      cookie: '', transparentCookie: 'X-Mapping-test', transparentAlwaysSet: false, transparentDirectives: '',
    }
    map.set(name, new PersistenceClass(settings, type, store, { maxEntries: 100, expiryMs: 0 }))
  }
  return new PersistenceClasses(map, () => clock.monoMs())
}

const NODES: [string, NodeState][] = [['10.0.0.1:80', 'active'], ['10.0.0.2:80', 'active'], ['10.0.0.3:80', 'active']]

/** One transaction: open, choose, record. Returns the chosen node id, or the failure. */
function visit(cs: PersistenceClasses, pool: Pool, ip: string, choice: { cls?: string; key?: string; node?: string } = {}): string {
  const session = cs.open(pool, ip, { persistenceClass: choice.cls ?? null, persistenceKey: choice.key ?? null, persistenceNode: choice.node ?? null })
  const picked = session === null ? pool.choose(null) : session.choose(pool, null)
  if (picked === undefined || picked === POOL_BUSY) return String(picked)
  if (isPersistenceFailure(picked)) return `failure:${picked.failure}`
  session?.record(picked)
  return picked.id
}

test('ip: each client keeps its first node; round robin would have moved it', () => {
  const pool = makePool('p', NODES, { persistenceClass: 'by-ip' })
  const cs = classes(new PersistenceStore(), { 'by-ip': { type: 'ip' } })
  const first = ['1.1.1.1', '2.2.2.2', '3.3.3.3'].map((ip) => visit(cs, pool, ip))
  assert.equal(new Set(first).size, 3, 'round robin spread the three clients')
  for (let round = 0; round < 3; round++) {
    assert.deepEqual(['1.1.1.1', '2.2.2.2', '3.3.3.3'].map((ip) => visit(cs, pool, ip)), first)
  }
})

test('ip with subnet_prefix_length_v4: a whole subnet shares a node', () => {
  const pool = makePool('p', NODES, { persistenceClass: 'net' })
  const cs = classes(new PersistenceStore(), { net: { type: 'ip', v4: 24 } })
  const a = visit(cs, pool, '192.168.5.1')
  for (let i = 2; i < 8; i++) assert.equal(visit(cs, pool, `192.168.5.${String(i)}`), a)
  assert.notEqual(visit(cs, pool, '192.168.6.1'), a)
})

test('universal: the rule key picks the session; no key means plain balancing', () => {
  const pool = makePool('p', NODES)
  const cs = classes(new PersistenceStore(), { u: { type: 'universal' } })
  const alice = visit(cs, pool, '1.1.1.1', { cls: 'u', key: 'alice' })
  const bob = visit(cs, pool, '1.1.1.1', { cls: 'u', key: 'bob' })
  assert.notEqual(alice, bob)
  for (let i = 0; i < 4; i++) {
    assert.equal(visit(cs, pool, `9.9.9.${String(i)}`, { cls: 'u', key: 'alice' }), alice)
    assert.equal(visit(cs, pool, '1.1.1.1', { cls: 'u', key: 'bob' }), bob)
  }
  assert.equal(cs.open(pool, '1.1.1.1', { persistenceClass: 'u', persistenceKey: null, persistenceNode: null }), null)
  assert.equal(cs.open(pool, '1.1.1.1', { persistenceClass: 'nosuch', persistenceKey: 'x', persistenceNode: null }), null)
})

test('named: the rule names the node; another port on the same host falls back to that host', () => {
  const pool = makePool('p', NODES)
  const cs = classes(new PersistenceStore(), { n: { type: 'named' } })
  for (let i = 0; i < 3; i++) assert.equal(visit(cs, pool, '1.1.1.1', { cls: 'n', node: '10.0.0.2:80' }), '10.0.0.2:80')
  assert.equal(visit(cs, pool, '1.1.1.1', { cls: 'n', node: '10.0.0.3:8080' }), '10.0.0.3:80')
})

test('a draining node keeps its sessions; a disabled or dead one does not (new_node)', () => {
  const store = new PersistenceStore()
  const cs = classes(store, { u: { type: 'universal' } })
  const pool = makePool('p', NODES)
  const node = visit(cs, pool, '1.1.1.1', { cls: 'u', key: 'k' })
  const states = NODES.map(([id]): [string, NodeState] => [id, id === node ? 'draining' : 'active'])
  const draining = makePool('p', states)
  assert.equal(visit(cs, draining, '1.1.1.1', { cls: 'u', key: 'k' }), node, 'draining still takes its session')
  assert.notEqual(draining.pick(null)?.id, node, 'but the balancer never picks it')
  const disabled = makePool('p', NODES.map(([id]): [string, NodeState] => [id, id === node ? 'disabled' : 'active']))
  const moved = visit(cs, disabled, '1.1.1.1', { cls: 'u', key: 'k' })
  assert.notEqual(moved, node)
  assert.equal(visit(cs, pool, '1.1.1.1', { cls: 'u', key: 'k' }), moved, 'the new node is the session node now')
  const dead = pool.nodes.find((n) => n.id === moved)
  assert.ok(dead !== undefined)
  dead.status.isAlive = false
  const again = visit(cs, pool, '1.1.1.1', { cls: 'u', key: 'k' })
  assert.notEqual(again, moved)
  dead.status.isAlive = true
})

test('failure_mode close and url: the session node is gone, the transaction is not balanced', () => {
  const store = new PersistenceStore()
  const cs = classes(store, { c: { type: 'universal', failureMode: 'close', deleteOnFailure: false }, r: { type: 'universal', failureMode: 'url' } })
  const pool = makePool('p', NODES)
  const node = visit(cs, pool, '1.1.1.1', { cls: 'c', key: 'k' })
  const target = pool.nodes.find((n) => n.id === node)
  assert.ok(target !== undefined)
  target.status.isAlive = false
  assert.equal(visit(cs, pool, '1.1.1.1', { cls: 'c', key: 'k' }), 'failure:close')
  assert.equal(visit(cs, pool, '1.1.1.1', { cls: 'c', key: 'k' }), 'failure:close', 'delete: false keeps the session')
  target.status.isAlive = true
  assert.equal(visit(cs, pool, '1.1.1.1', { cls: 'c', key: 'k' }), node)

  const rnode = visit(cs, pool, '1.1.1.1', { cls: 'r', key: 'k' })
  const rtarget = pool.nodes.find((n) => n.id === rnode)
  assert.ok(rtarget !== undefined)
  rtarget.status.isAlive = false
  const s = cs.open(pool, '1.1.1.1', { persistenceClass: 'r', persistenceKey: 'k', persistenceNode: null })
  const picked = s?.choose(pool, null)
  assert.deepEqual(picked, { failure: 'url', url: 'http://sorry.example/' })
  rtarget.status.isAlive = true
  assert.notEqual(visit(cs, pool, '1.1.1.1', { cls: 'r', key: 'k' }), 'failure:url', 'delete (default true) forgot the session')
  // A node that refused the connection (in `tried`) fails the session as well.
  const t = cs.open(pool, '1.1.1.1', { persistenceClass: 'c', persistenceKey: 'k', persistenceNode: null })
  assert.deepEqual(t?.choose(pool, [target]), { failure: 'close', url: '' })
})

test('named node missing from the pool: failure mode applies', () => {
  const cs = classes(new PersistenceStore(), { n: { type: 'named', failureMode: 'close' }, m: { type: 'named' } })
  const pool = makePool('p', NODES)
  assert.equal(visit(cs, pool, '1.1.1.1', { cls: 'n', node: '10.9.9.9:80' }), 'failure:close')
  assert.match(visit(cs, pool, '1.1.1.1', { cls: 'm', node: '10.9.9.9:80' }), /^10\.0\.0\.\d:80$/)
})

test('a session node at max_connections_per_node queues (busy) rather than moving', () => {
  const cs = classes(new PersistenceStore(), { n: { type: 'named' } })
  const pool = makePool('p', NODES, { maxConnectionsPerNode: 1 })
  const node = pool.nodes[1]
  assert.ok(node !== undefined)
  pool.acquire(node)
  assert.equal(visit(cs, pool, '1.1.1.1', { cls: 'n', node: node.id }), POOL_BUSY)
  pool.release(node)
  assert.equal(visit(cs, pool, '1.1.1.1', { cls: 'n', node: node.id }), node.id)
})

test('the pool class is the default; a rule class overrides it; "" reverts to the pool class', () => {
  const store = new PersistenceStore()
  const cs = classes(store, { ip: { type: 'ip' }, u: { type: 'universal' } })
  const pool = makePool('p', NODES, { persistenceClass: 'ip' })
  assert.equal(cs.open(pool, '1.1.1.1', null)?.cls.name, 'ip')
  assert.equal(cs.open(pool, '1.1.1.1', { persistenceClass: 'u', persistenceKey: 'x', persistenceNode: null })?.cls.name, 'u')
  assert.equal(cs.open(pool, '1.1.1.1', { persistenceClass: '', persistenceKey: 'x', persistenceNode: null })?.cls.name, 'ip')
  assert.equal(cs.open(makePool('q', NODES), '1.1.1.1', null), null)
})

test('mappings are shared by pools using one class and survive a new set of classes (reload)', () => {
  const store = new PersistenceStore()
  const pool = makePool('p', NODES, { persistenceClass: 'u' })
  const first = classes(store, { u: { type: 'universal' } })
  const node = visit(first, pool, '1.1.1.1', { key: 'k' })
  const other = makePool('q', NODES, { persistenceClass: 'u' })
  assert.equal(visit(first, other, '2.2.2.2', { key: 'k' }), node)
  const reloaded = classes(store, { u: { type: 'universal' } })
  for (let i = 0; i < 3; i++) assert.equal(visit(reloaded, makePool('p', NODES, { persistenceClass: 'u' }), '1.1.1.1', { key: 'k' }), node)
  assert.equal(store.sessions('u'), 1)
})
