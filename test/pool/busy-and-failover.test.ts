import { test } from 'node:test'
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { createServer } from 'node:http'
import { getText, sleep, startApp, startNode } from './app-harness.ts'
import { waitFor } from '../helpers/wait.ts'

/** A node that answers after `delayMs`, counting how many requests it holds at once. */
async function slowNode(delayMs: number) {
  const stats = { address: '', inFlight: 0, maxInFlight: 0, served: 0 }
  const server = createServer((req, res) => {
    req.resume()
    stats.inFlight++
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight)
    setTimeout(() => {
      stats.inFlight--
      stats.served++
      res.end('slow')
    }, delayMs)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const a = server.address()
  stats.address = `127.0.0.1:${String(typeof a === 'object' && a !== null ? a.port : 0)}`
  const close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections()
      server.close(() => {
        r()
      })
    })
  return { stats, close }
}

function poolWith(nodes: string[], sections: Record<string, Record<string, unknown>> = {}) {
  const { basic, ...rest } = sections
  return { properties: { basic: { nodes_table: nodes.map((node) => ({ node })), ...basic }, ...rest } }
}

test('requests beyond max_connections_per_node wait in the queue and are served in turn', async (t) => {
  const node = await slowNode(150)
  t.after(node.close)
  const run = await startApp('p', { 'pools/p': poolWith([node.stats.address], { connection: { max_connections_per_node: 2 } }) })
  t.after(() => run.app.stop(0))
  const results = await Promise.all(Array.from({ length: 6 }, () => getText(run.url)))
  assert.deepEqual(results.map((r) => r.status), [200, 200, 200, 200, 200, 200])
  assert.equal(node.stats.maxInFlight, 2, 'the node never held more than the limit')
  const runtime = run.app.snapshot?.pools.get('p')?.runtime
  assert.ok(runtime)
  assert.equal(runtime.totalQueued, 4)
  assert.equal(runtime.queueLength, 0)
})

test('a full queue and a queue timeout both answer 503 Too Busy', async (t) => {
  const node = await slowNode(1500)
  t.after(node.close)
  const run = await startApp('p', {
    'pools/p': poolWith([node.stats.address], { connection: { max_connections_per_node: 1, max_queue_size: 1, queue_timeout: 1 } }),
  })
  t.after(() => run.app.stop(0))
  const runtime = run.app.snapshot?.pools.get('p')?.runtime
  assert.ok(runtime)
  const first = getText(run.url)
  await waitFor(() => node.stats.inFlight === 1, 'the first request to reach the node')
  const queued = getText(run.url)
  await waitFor(() => runtime.queueLength === 1, 'the second request to be queued')
  const refused = await getText(run.url)
  assert.equal(refused.status, 503, 'the queue holds one request; the third is refused at once')
  assert.equal((await queued).status, 503, 'the queued request times out after queue_timeout')
  assert.equal((await first).status, 200)
  assert.equal(runtime.queueFull, 1)
  assert.equal(runtime.queueTimeouts, 1)
})

test('when every node has failed, the failure pool takes the traffic; discard drops it', async (t) => {
  const backup = await startNode('backup')
  t.after(() => backup.close())
  const dead = '127.0.0.1:1'
  const run = await startApp('main', {
    'pools/main': poolWith([dead], { basic: { failure_pool: 'standby', node_connection_attempts: 1 } }),
    'pools/standby': poolWith([backup.address]),
  })
  t.after(() => run.app.stop(0))
  // The first request finds the node refusing; passive monitoring fails it (one attempt) and the
  // same request moves to the failure pool.
  assert.equal((await getText(run.url)).text, 'backup')
  assert.equal((await getText(run.url)).text, 'backup')
  const names = run.app.events.list().map((e) => `${e.category}/${e.name}`)
  assert.ok(names.includes('pools/nodefail'), names.join(','))
  assert.ok(names.includes('pools/pooldied'), names.join(','))

  await run.apply({
    'pools/main': poolWith([dead], { basic: { failure_pool: 'discard', node_connection_attempts: 1 } }),
  })
  await assert.rejects(fetch(run.url), 'the discard pool closes the connection')
})

test('no usable node and no failure pool: 503 with the error page', async (t) => {
  const node = await startNode('only')
  t.after(() => node.close())
  const run = await startApp('p', { 'pools/p': { properties: { basic: { nodes_table: [{ node: node.address, state: 'disabled' }] } } } })
  t.after(() => run.app.stop(0))
  const r = await getText(run.url)
  assert.equal(r.status, 503)
  assert.match(r.text, /503 Service Unavailable/)
})

test('passive monitoring fails a refusing node, then retries it after retry_fail_time', async (t) => {
  const good = await startNode('good')
  t.after(() => good.close())
  const run = await startApp('p', {
    'pools/p': poolWith([good.address, '127.0.0.1:1'], { basic: { node_connection_attempts: 2 }, node: { retry_fail_time: 1 } }),
  })
  t.after(() => run.app.stop(0))
  for (let i = 0; i < 6; i++) assert.equal((await getText(run.url)).text, 'good', 'refusals are retried on the good node')
  const status = run.app.snapshot?.pools.get('p')?.nodes[1]?.status
  assert.ok(status)
  assert.equal(status.isPassiveFailed, true)
  const failuresWhileFailed = status.failures
  for (let i = 0; i < 4; i++) await getText(run.url)
  assert.equal(status.failures, failuresWhileFailed, 'a failed node is skipped, not tried')
  await sleep(1100)
  for (let i = 0; i < 4; i++) assert.equal((await getText(run.url)).text, 'good')
  assert.ok(status.failures > failuresWhileFailed, 'after retry_fail_time real traffic tries the node again')
})
