/**
 * Passive monitoring alone never leaves a pool with no node to try (issue #11, item 9): when it
 * has failed every node that monitors and configuration allow, the pool keeps sending traffic
 * to those nodes and raises `pools/poolusingfailednodes`.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { startHttpNode, type HttpNode, type NodeHandler } from '../helpers/nodes.ts'
import { getText, startApp, until, type RunningApp } from './app-harness.ts'

/**
 * Answers its name, except `/boom`: those requests are held until three have arrived, then all
 * three connections are closed without an answer. Passive monitoring counts a connection that
 * closes unanswered, but a successful connect resets the count, so the three must overlap to be
 * three failures in a row.
 */
function closesThreeUnanswered(name: string): NodeHandler {
  const held: IncomingMessage[] = []
  return (req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/boom') {
      held.push(req)
      if (held.length >= 3) for (const r of held.splice(0)) r.socket.destroy()
      return
    }
    req.resume()
    res.end(name)
  }
}

function poolOf(nodes: readonly HttpNode[], basic: Record<string, unknown> = {}) {
  return {
    properties: {
      basic: { nodes_table: nodes.map((n) => ({ node: n.address })), ...basic },
      load_balancing: { algorithm: 'round_robin' },
    },
  }
}

function eventNames(run: RunningApp, node?: string): string[] {
  return run.app.events
    .list()
    .filter((e) => node === undefined || e.objects['node'] === node)
    .map((e) => `${e.category}/${e.name}`)
}

/** Sends three overlapping `/boom` requests for each of `nodes` nodes; each gets 502. */
async function boomThreeEach(run: RunningApp, nodes: number): Promise<void> {
  const answers = await Promise.all(Array.from({ length: 3 * nodes }, () => getText(`${run.url}boom`)))
  assert.deepEqual(new Set(answers.map((r) => r.status)), new Set([502]))
}

function passivelyFailed(run: RunningApp): boolean[] {
  return run.app.snapshot?.pools.get('p')?.nodes.map((n) => n.status.isPassiveFailed) ?? []
}

test('a one-node pool whose node closed three requests unanswered still serves every other request', async (t) => {
  const node = await startHttpNode(t, 'only', closesThreeUnanswered('only'))
  const run = await startApp('p', { 'pools/p': poolOf([node]) })
  t.after(() => run.app.stop(0))

  await boomThreeEach(run, 1)
  assert.deepEqual(passivelyFailed(run), [true])
  assert.ok(eventNames(run).includes('pools/nodefail'), eventNames(run).join(','))
  for (let i = 0; i < 10; i++) {
    const r = await getText(run.url)
    assert.equal(r.status, 200, `request ${String(i)} after the failures`)
    assert.equal(r.text, 'only')
  }
  const names = eventNames(run)
  assert.ok(names.includes('pools/poolusingfailednodes'), names.join(','))
  assert.ok(!names.includes('pools/pooldied'), 'passive monitoring alone does not kill the pool')
  assert.deepEqual(eventNames(run, node.address), ['pools/nodefail', 'pools/nodeworking'])
})

test('when passive monitoring fails both nodes of a pool, requests still go to them', async (t) => {
  const a = await startHttpNode(t, 'a', closesThreeUnanswered('a'))
  const b = await startHttpNode(t, 'b', closesThreeUnanswered('b'))
  const run = await startApp('p', { 'pools/p': poolOf([a, b]) })
  t.after(() => run.app.stop(0))

  await boomThreeEach(run, 2)
  assert.deepEqual(passivelyFailed(run), [true, true])
  const seen = new Set<string>()
  for (let i = 0; i < 10; i++) {
    const r = await getText(run.url)
    assert.equal(r.status, 200, `request ${String(i)} after the failures`)
    seen.add(r.text)
  }
  assert.ok(seen.size > 0)
  const names = eventNames(run)
  assert.equal(names.filter((n) => n === 'pools/poolusingfailednodes').length, 1, names.join(','))
  assert.ok(!names.includes('pools/pooldied'), names.join(','))
})

test('a node that a monitor declared dead stays out while the pool runs on passively failed nodes', async (t) => {
  const a = await startHttpNode(t, 'a', closesThreeUnanswered('a'))
  let bHealthy = true
  const b = await startHttpNode(t, 'b', (req, res) => {
    req.resume()
    res.statusCode = req.url === '/health' && !bHealthy ? 500 : 200
    res.end('b')
  })
  const run = await startApp('p', {
    'pools/p': poolOf([a, b], { monitors: ['web-check'] }),
    'monitors/web-check': { properties: { basic: { type: 'http', delay: 1, timeout: 1, failures: 1 }, http: { path: '/health' } } },
  })
  t.after(() => run.app.stop(0))

  bHealthy = false
  const nodes = () => run.app.snapshot?.pools.get('p')?.nodes ?? []
  assert.ok(await until(() => nodes()[1]?.status.isAlive === false, 4000), 'the monitor should mark b dead')
  await boomThreeEach(run, 1)
  assert.deepEqual(passivelyFailed(run), [true, false])

  const toB = () => b.seen.filter((r) => r.url !== '/health').length
  const before = toB()
  for (let i = 0; i < 6; i++) assert.equal((await getText(run.url)).text, 'a')
  assert.equal(toB(), before, 'no request reached the node the monitor declared dead')
})

test('when monitors declare every node dead the pool fails: 503 without a failure pool', async (t) => {
  const a = await startHttpNode(t, 'a', (req, res) => {
    req.resume()
    res.statusCode = req.url === '/health' ? 500 : 200
    res.end('a')
  })
  const run = await startApp('p', {
    'pools/p': poolOf([a], { monitors: ['web-check'] }),
    'monitors/web-check': { properties: { basic: { type: 'http', delay: 1, timeout: 1, failures: 1 }, http: { path: '/health' } } },
  })
  t.after(() => run.app.stop(0))
  assert.ok(await until(() => run.app.snapshot?.pools.get('p')?.nodes[0]?.status.isAlive === false, 4000))
  assert.equal((await getText(run.url)).status, 503)
  assert.ok(eventNames(run).includes('pools/pooldied'), eventNames(run).join(','))
})

test('when monitors declare every node dead the failure pool takes the traffic at once', async (t) => {
  const sick = await startHttpNode(t, 'sick', (req, res) => {
    req.resume()
    res.statusCode = req.url === '/health' ? 500 : 200
    res.end('sick')
  })
  const backup = await startHttpNode(t, 'backup')
  const run = await startApp('p', {
    'pools/p': poolOf([sick], { monitors: ['web-check'], failure_pool: 'standby' }),
    'pools/standby': poolOf([backup]),
    'monitors/web-check': { properties: { basic: { type: 'http', delay: 1, timeout: 1, failures: 1 }, http: { path: '/health' } } },
  })
  t.after(() => run.app.stop(0))
  assert.ok(await until(() => run.app.snapshot?.pools.get('p')?.nodes[0]?.status.isAlive === false, 4000))
  for (let i = 0; i < 4; i++) assert.equal((await getText(run.url)).text, 'backup')
  assert.equal(sick.seen.filter((r) => r.url !== '/health').length, 0, 'the dead node is not tried')
})

test('a persistent session stays on its passively failed node while the pool has no other', async (t) => {
  const node = await startHttpNode(t, 'only', closesThreeUnanswered('only'))
  const run = await startApp('p', {
    'persistence/by-ip': { properties: { basic: { type: 'ip', failure_mode: 'close' } } },
    'pools/p': poolOf([node], { persistence_class: 'by-ip' }),
  })
  t.after(() => run.app.stop(0))

  await boomThreeEach(run, 1)
  assert.deepEqual(passivelyFailed(run), [true])
  for (let i = 0; i < 4; i++) assert.equal((await getText(run.url)).status, 200, 'failure_mode close does not apply')
})

test('a failure pool with no usable node does not stop the pool trying its passively failed nodes', async (t) => {
  const node = await startHttpNode(t, 'only', closesThreeUnanswered('only'))
  const spare = await startHttpNode(t, 'spare')
  const run = await startApp('p', {
    'pools/p': poolOf([node], { failure_pool: 'standby' }),
    'pools/standby': { properties: { basic: { nodes_table: [{ node: spare.address, state: 'disabled' }] } } },
  })
  t.after(() => run.app.stop(0))

  await boomThreeEach(run, 1)
  assert.deepEqual(passivelyFailed(run), [true])
  for (let i = 0; i < 4; i++) assert.equal((await getText(run.url)).text, 'only')
  assert.ok(eventNames(run).includes('pools/poolusingfailednodes'), eventNames(run).join(','))
})
