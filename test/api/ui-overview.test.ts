/**
 * `status/local_tm/overview`, the dashboard's one read: counters of every virtual server and
 * pool, every node with its state and, for a dead node, the monitor's reason; readable without
 * credentials from loopback while no users exist (the quick start's read-only dashboard).
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { closedPort, startHttpNode } from '../helpers/nodes.ts'
import { sleep } from '../helpers/wait.ts'
import { pick, startApi } from './harness.ts'

const OVERVIEW = '/api/tm/8.3/status/local_tm/overview'

test('the overview has virtual servers, pools, node states and why dead nodes are dead', async (t) => {
  const up = await startHttpNode(t, 'up')
  const downPort = await closedPort()
  const down = `127.0.0.1:${String(downPort)}`
  const h = await startApi(t, {
    'monitors/m': { properties: { basic: { type: 'connect', delay: 1, timeout: 1, failures: 1 } } },
    'pools/web': { properties: { basic: { monitors: ['m'], nodes_table: [{ node: up.address }, { node: down }, { node: '127.0.0.1:1', state: 'draining' }] } } },
  }, 'web')
  await fetch(`http://127.0.0.1:${String(h.vsPort)}/`).then((r) => r.arrayBuffer())
  const read = async () => (await h.call('GET', OVERVIEW)).body
  // The monitor checks every second and fails the node at its first refused connection.
  for (let i = 0; i < 80; i++) {
    const nodes = pick(await read(), 'pools', 'web', 'nodes_table') as { node: string; state: string }[]
    if (nodes.find((n) => n.node === down)?.state === 'dead') break
    await sleep(100)
  }
  const body = await read()
  assert.equal(pick(body, 'virtual_servers', 'vs', 'total_requests'), 1)
  assert.equal(pick(body, 'virtual_servers', 'vs', 'pool'), 'web')
  const nodes = pick(body, 'pools', 'web', 'nodes_table') as { node: string; state: string; node_state: string; dead_reason: string; current_conn: number }[]
  const dead = nodes.find((n) => n.node === down)
  assert.ok(dead !== undefined)
  assert.notEqual(dead.dead_reason, '', 'a dead node says why')
  assert.equal(nodes.find((n) => n.node === up.address)?.dead_reason, '')
  assert.equal(nodes.find((n) => n.node === '127.0.0.1:1')?.node_state, 'draining')
  assert.equal(typeof nodes[0]?.current_conn, 'number')
  assert.deepEqual(pick(body, 'capabilities'), {})
})

test('without users, loopback may read the overview but not the event log', async (t) => {
  const h = await startApi(t, {}, undefined, { noUsers: true })
  assert.equal((await h.call('GET', OVERVIEW, undefined, { auth: null })).status, 200)
  assert.equal((await h.call('GET', '/api/tm/8.3/status/local_tm/events', undefined, { auth: null })).status, 401)
  const session = await h.call('GET', '/api/session', undefined, { auth: null })
  assert.equal(pick(session.body, 'user'), null)
  assert.equal(pick(session.body, 'users_exist'), false)
})
