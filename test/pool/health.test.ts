import { test } from 'node:test'
import assert from 'node:assert/strict'
import { getText, startApp, startNode, until } from './app-harness.ts'

function pool(nodes: { node: string; state?: string }[], extra: Record<string, unknown> = {}) {
  return { properties: { basic: { nodes_table: nodes, ...extra } } }
}

test('an http monitor takes a failing node out of rotation and puts it back when it recovers', async (t) => {
  const good = await startNode('good')
  const flaky = await startNode('flaky')
  t.after(() => Promise.all([good.close(), flaky.close()]))
  const monitor = { properties: { basic: { type: 'http', delay: 1, timeout: 1, failures: 1 }, http: { path: '/health' } } }
  const run = await startApp('p', {
    'pools/p': pool([{ node: good.address }, { node: flaky.address }], { monitors: ['web-check'] }),
    'monitors/web-check': monitor,
  })
  t.after(() => run.app.stop(0))

  flaky.status = 500
  const status = () => run.app.snapshot?.pools.get('p')?.nodes[1]?.status
  assert.ok(await until(() => status()?.isAlive === false, 4000), 'the monitor should mark the node dead')
  assert.match(status()?.deadReason ?? '', /500/)
  const events = run.app.events.list().map((e) => `${e.category}/${e.name}`)
  assert.ok(events.includes('pools/nodefail'), events.join(','))

  flaky.status = 200
  const before = flaky.hits
  for (let i = 0; i < 6; i++) assert.equal((await getText(run.url)).text, 'good')
  assert.ok(flaky.hits - before <= 1, 'only monitor probes reach the dead node')

  assert.ok(await until(() => status()?.isAlive === true, 4000), 'the node should come back')
  const texts = new Set<string>()
  for (let i = 0; i < 4; i++) texts.add((await getText(run.url)).text)
  assert.deepEqual([...texts].sort(), ['flaky', 'good'])
  assert.ok(run.app.events.list().some((e) => e.name === 'nodeworking'))
})

test('draining and disabled nodes get no new requests; the change takes effect at once', async (t) => {
  const a = await startNode('a')
  const b = await startNode('b')
  const c = await startNode('c')
  t.after(() => Promise.all([a.close(), b.close(), c.close()]))
  const run = await startApp('p', { 'pools/p': pool([{ node: a.address }, { node: b.address }, { node: c.address }]) })
  t.after(() => run.app.stop(0))
  const seen = async (n: number) => {
    const s = new Set<string>()
    for (let i = 0; i < n; i++) s.add((await getText(run.url)).text)
    return [...s].sort()
  }
  assert.deepEqual(await seen(6), ['a', 'b', 'c'])
  await run.apply({
    'pools/p': pool([{ node: a.address }, { node: b.address, state: 'draining' }, { node: c.address, state: 'disabled' }]),
  })
  assert.deepEqual(await seen(6), ['a'])
})

test('a monitor naming a missing monitor object is a configuration error', async () => {
  await assert.rejects(startApp('p', { 'pools/p': pool([{ node: '127.0.0.1:1' }], { monitors: ['nope'] }) }), /basic\.monitors.*nope/)
})
