// Several data-plane workers (issue #15): every worker serves, and what users expect one answer
// to is one answer: per-node counts, round robin, sessions, data.*, rate classes, node health
// and statistics. Each request goes over a new connection, so the kernel spreads them over the
// workers (SO_REUSEPORT); with 40 connections the chance that one worker gets them all is 2^-39.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type http from 'node:http'
import { startHttpNode, type HttpNode } from '../helpers/nodes.ts'
import { samples } from '../helpers/prometheus.ts'
import { waitFor } from '../helpers/wait.ts'
import { httpVs, once, poolDoc, startWorkers, type Answer } from './workers-harness.ts'

function workersOf(body: unknown): { index: number; accepted: number; restarts: number }[] {
  return (body as { workers: { index: number; accepted: number; restarts: number }[] }).workers
}

test('both workers serve, and statistics and Prometheus count every request once', async (t) => {
  const a = await startHttpNode(t, 'a')
  const b = await startHttpNode(t, 'b')
  const run = await startWorkers(t, { 'pools/p': poolDoc([a.address, b.address]), 'virtual_servers/web': httpVs('p') })
  const port = run.port('web')
  for (let i = 0; i < 40; i++) assert.equal((await once(port)).status, 200)

  const listed = await run.api('GET', '/api/tm/8.3/status/local_tm/workers')
  assert.equal(listed.status, 200)
  const workers = workersOf(listed.body)
  assert.deepEqual(workers.map((w) => w.index), [0, 1])
  for (const w of workers) assert.ok(w.accepted > 0, `worker ${String(w.index)} accepted connections: ${listed.text}`)
  assert.equal(workers.reduce((n, w) => n + w.accepted, 0), 40)

  const stats = await run.api('GET', '/api/tm/8.3/status/local_tm/statistics/virtual_servers/web')
  assert.equal((stats.body as { statistics: { total_requests: number } }).statistics.total_requests, 40)
  const nodes = await run.api('GET', '/api/tm/8.3/status/local_tm/statistics/pools/p')
  assert.equal(a.requests + b.requests, 40)
  assert.ok(nodes.text.length > 0)
  const metrics = samples((await run.api('GET', '/metrics')).text)
  assert.equal(metrics.get('sluice_virtual_server_requests_total{virtual_server="web"}'), 40)
  // Round robin takes turns across the workers: the two nodes are within one of each other.
  assert.ok(Math.abs(a.requests - b.requests) <= 1, `a ${String(a.requests)}, b ${String(b.requests)}`)
})

/** A node that holds each request until `release()`; `held` counts those it holds now. */
async function holdingNode(t: Parameters<typeof startHttpNode>[0], name: string): Promise<{ node: HttpNode; held: () => number; most: () => number; release: () => void }> {
  const waiting: http.ServerResponse[] = []
  let most = 0
  const node = await startHttpNode(t, name, (req, res) => {
    req.resume()
    waiting.push(res)
    most = Math.max(most, waiting.filter((r) => !r.writableEnded).length)
  })
  return {
    node,
    held: () => waiting.filter((r) => !r.writableEnded).length,
    most: () => most,
    release: () => {
      for (const r of waiting.splice(0)) if (!r.writableEnded) r.end(name)
    },
  }
}

test('least_connections counts every worker\'s transactions: six held requests split three and three', async (t) => {
  const a = await holdingNode(t, 'a')
  const b = await holdingNode(t, 'b')
  t.after(() => {
    a.release()
    b.release()
  })
  const run = await startWorkers(t, {
    'pools/p': poolDoc([a.node.address, b.node.address], { load_balancing: { algorithm: 'least_connections' } }),
    'virtual_servers/web': httpVs('p'),
  })
  const port = run.port('web')
  const pending: Promise<Answer>[] = []
  for (let i = 1; i <= 6; i++) {
    pending.push(once(port))
    await waitFor(() => a.held() + b.held() === i, `request ${String(i)} at a node`)
  }
  assert.deepEqual([a.held(), b.held()], [3, 3])
  a.release()
  b.release()
  for (const p of pending) assert.equal((await p).status, 200)
})

test('max_connections_per_node holds across workers: a busy node never gets a second transaction', async (t) => {
  const only = await holdingNode(t, 'only')
  t.after(() => {
    only.release()
  })
  const run = await startWorkers(t, {
    'pools/p': poolDoc([only.node.address], { connection: { max_connections_per_node: 1, queue_timeout: 1 } }),
    'virtual_servers/web': httpVs('p'),
  })
  const port = run.port('web')
  const first = once(port)
  await waitFor(() => only.held() === 1, 'the first request at the node')
  const others = await Promise.all(Array.from({ length: 8 }, () => once(port)))
  assert.equal(only.most(), 1, 'the node never held two transactions at once')
  assert.deepEqual([...new Set(others.map((o) => o.status))], [503])
  only.release()
  assert.equal((await first).status, 200)
})

test('a session learned by one worker keeps its node through every worker (cookie and transparent classes)', async (t) => {
  const names = ['a', 'b', 'c']
  const nodes = await Promise.all(
    names.map((name) =>
      startHttpNode(t, name, (req, res) => {
        req.resume()
        if (req.headers.cookie === undefined) res.setHeader('Set-Cookie', `SID=session-${name}; Path=/`)
        res.end(name)
      }),
    ),
  )
  const run = await startWorkers(t, {
    'persistence/app': { properties: { basic: { type: 'cookie', cookie: 'SID' } } },
    'persistence/ours': { properties: { basic: { type: 'transparent' } } },
    'pools/p': poolDoc(nodes.map((n) => n.address), { basic: { persistence_class: 'app' } }),
    'pools/q': poolDoc(nodes.map((n) => n.address), { basic: { persistence_class: 'ours' } }),
    'virtual_servers/web': httpVs('p'),
    'virtual_servers/web2': httpVs('q'),
  })
  const first = await once(run.port('web'))
  for (let i = 0; i < 30; i++) {
    assert.equal((await once(run.port('web'), '/', { cookie: `SID=session-${first.text}` })).text, first.text, `request ${String(i)}`)
  }
  const start = await once(run.port('web2'))
  const cookie = (start.setCookie ?? '').split(';')[0] ?? ''
  assert.match(cookie, /^X-Mapping-/)
  for (let i = 0; i < 30; i++) {
    const again = await once(run.port('web2'), '/', { cookie })
    assert.equal(again.text, start.text, `request ${String(i)}`)
    assert.equal(again.setCookie, null, 'every worker accepts the cookie another worker signed')
  }
})

test('data.* written through one worker is read through every worker; a rate class counts for all', async (t) => {
  const node = await startHttpNode(t, 'n')
  const rule = [
    'if (http.getPath() == "/set") { data.set("colour", "blue"); http.sendResponse(200, "text/plain", "set", ""); }',
    'if (http.getPath() == "/rate") {',
    '  if (rate.use.noQueue("once")) { http.sendResponse(200, "text/plain", "admitted", ""); }',
    '  http.sendResponse(200, "text/plain", "refused", "");',
    '}',
    'http.sendResponse(200, "text/plain", data.get("colour"), "");',
  ].join('\n')
  const run = await startWorkers(t, {
    'rules/shared': rule,
    'rate/once': { properties: { basic: { max_rate_per_minute: 1 } } },
    'pools/p': poolDoc([node.address]),
    'virtual_servers/web': httpVs('p', { basic: { enabled: true, port: 0, protocol: 'http', pool: 'p', listen_on_any: false, listen_on_hosts: ['127.0.0.1'], request_rules: ['shared'] } }),
  })
  const port = run.port('web')
  assert.equal((await once(port, '/set')).text, 'set')
  for (let i = 0; i < 20; i++) assert.equal((await once(port, '/get')).text, 'blue', `request ${String(i)}`)
  const answers = await Promise.all(Array.from({ length: 20 }, () => once(port, '/rate')))
  assert.equal(answers.filter((a) => a.text === 'admitted').length, 1, 'one request a minute, whichever worker it reaches')
})

test('a node a monitor finds dead is out of rotation in every worker', async (t) => {
  let failing = false
  const good = await startHttpNode(t, 'good')
  const flaky = await startHttpNode(t, 'flaky', (req, res) => {
    req.resume()
    res.statusCode = failing && req.url === '/health' ? 500 : 200
    res.end('flaky')
  })
  const run = await startWorkers(t, {
    'monitors/check': { properties: { basic: { type: 'http', delay: 1, timeout: 1, failures: 1 }, http: { path: '/health' } } },
    'pools/p': poolDoc([good.address, flaky.address], { basic: { monitors: ['check'] } }),
    'virtual_servers/web': httpVs('p'),
  })
  failing = true
  await waitFor(() => run.server.app.snapshot?.pools.get('p')?.nodes[1]?.status.isAlive === false, 'the monitor to fail the node', 5000)
  const before = flaky.requests
  const texts = new Set<string>()
  for (let i = 0; i < 20; i++) texts.add((await once(run.port('web'))).text)
  assert.deepEqual([...texts], ['good'])
  assert.ok(flaky.requests - before <= 2, 'only monitor probes reach the dead node')
})

test('a restarted worker is replaced; the client loop fails only on that worker\'s own connections', async (t) => {
  const node = await startHttpNode(t, 'n')
  const run = await startWorkers(t, { 'pools/p': poolDoc([node.address]), 'virtual_servers/web': httpVs('p') })
  const port = run.port('web')
  let failures = 0
  let done = 0
  const loop = (async () => {
    for (let i = 0; i < 300; i++) {
      const ok = await once(port).then((a) => a.status === 200, () => false)
      if (!ok) failures++
      done++
    }
  })()
  await waitFor(() => done >= 50, '50 requests before the restart', 10_000)
  const restarted = await run.api('POST', '/api/tm/8.3/status/local_tm/workers/1/restart')
  assert.equal(restarted.status, 200, restarted.text)
  await loop
  assert.ok(failures <= 2, `${String(failures)} failures: only connections the ended worker held may fail`)
  const workers = workersOf((await run.api('GET', '/api/tm/8.3/status/local_tm/workers')).body)
  assert.equal(workers.at(1)?.restarts, 1)
  const events = (await run.api('GET', '/api/tm/8.3/status/local_tm/events')).text
  assert.match(events, /workerrestarted/)
  // The new worker serves: more connections spread over both again.
  const acceptedBefore = workers.at(1)?.accepted ?? 0
  for (let i = 0; i < 20; i++) assert.equal((await once(port)).status, 200)
  const after = workersOf((await run.api('GET', '/api/tm/8.3/status/local_tm/workers')).body)
  assert.ok((after.at(1)?.accepted ?? 0) > acceptedBefore, 'the new worker accepts connections')
  assert.equal((await run.api('POST', '/api/tm/8.3/status/local_tm/workers/0/restart')).status, 409)
  assert.equal((await run.api('POST', '/api/tm/8.3/status/local_tm/workers/7/restart')).status, 404)
})

test('a configuration change through the API reaches every worker before the API answers; nothing fails meanwhile', async (t) => {
  const oldNode = await startHttpNode(t, 'old')
  const newNode = await startHttpNode(t, 'new')
  const run = await startWorkers(t, { 'pools/p': poolDoc([oldNode.address]), 'virtual_servers/web': httpVs('p') })
  const port = run.port('web')
  let failures = 0
  const state = { stop: false }
  const loop = (async () => {
    for (let i = 0; i < 2000 && !state.stop; i++) {
      const ok = await once(port).then((a) => a.status === 200, () => false)
      if (!ok) failures++
    }
  })()
  const res = await fetch(`${run.server.apiOrigin}/api/tm/8.3/config/active/pools/p`, {
    method: 'PUT',
    headers: { authorization: `Basic ${Buffer.from('admin:harness admin password').toString('base64')}`, 'content-type': 'application/json' },
    body: JSON.stringify(poolDoc([newNode.address])),
  })
  assert.ok(res.status === 200 || res.status === 201, await res.text())
  for (let i = 0; i < 20; i++) assert.equal((await once(port)).text, 'new', `request ${String(i)} after the change`)
  state.stop = true
  await loop
  assert.equal(failures, 0)
})

test('passive monitoring: a node that refuses connections is failed once, for every worker', async (t) => {
  const good = await startHttpNode(t, 'good')
  const closed = await startHttpNode(t, 'closed')
  const deadAddress = closed.address
  await new Promise<void>((resolve) => closed.server.close(() => { resolve() }))
  const run = await startWorkers(t, {
    'pools/p': poolDoc([good.address, deadAddress], { basic: { node_connection_attempts: 1 } }),
    'virtual_servers/web': httpVs('p'),
  })
  for (let i = 0; i < 40; i++) assert.equal((await once(run.port('web'))).text, 'good', `request ${String(i)}`)
  const events = (await run.api('GET', '/api/tm/8.3/status/local_tm/events?category=pools')).body as { events: { name: string; objects: Record<string, string> }[] }
  const fails = events.events.filter((e) => e.name === 'nodefail' && e.objects['node'] === deadAddress)
  assert.equal(fails.length, 1, 'the first worker to see it fail tells the others, which do not fail it again')
  assert.equal(run.server.app.snapshot?.pools.get('p')?.nodes[1]?.status.isPassiveFailed, true, 'the primary knows')
})

test('a UDP virtual server is served by every worker', async (t) => {
  const { createSocket } = await import('node:dgram')
  const node = createSocket('udp4')
  node.on('message', (msg, from) => { node.send(`echo:${msg.toString()}`, from.port, from.address); })
  await new Promise<void>((resolve) => node.bind(0, '127.0.0.1', resolve))
  t.after(() => new Promise<void>((resolve) => node.close(() => { resolve() })))
  const run = await startWorkers(t, {
    'pools/u': poolDoc([`127.0.0.1:${String(node.address().port)}`]),
    'virtual_servers/dgram': { properties: { basic: { enabled: true, port: 0, protocol: 'udp', pool: 'u', listen_on_any: false, listen_on_hosts: ['127.0.0.1'] } } },
  })
  const port = run.server.app.bound().find((b) => b.virtualServer === 'dgram')?.port ?? 0
  assert.ok(port > 0)
  for (let i = 0; i < 20; i++) {
    const client = createSocket('udp4')
    const reply = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => { reject(new Error(`no reply to datagram ${String(i)}`)) }, 2000)
      client.once('message', (msg) => {
        clearTimeout(timer)
        resolve(msg.toString())
      })
      client.send(`d${String(i)}`, port, '127.0.0.1')
    })
    client.close()
    assert.equal(reply, `echo:d${String(i)}`)
  }
})

test('the transactions of a restarted worker leave the shared node counts with it', async (t) => {
  const slow = await holdingNode(t, 'slow')
  t.after(() => {
    slow.release()
  })
  const run = await startWorkers(t, { 'pools/p': poolDoc([slow.node.address]), 'virtual_servers/web': httpVs('p') })
  const port = run.port('web')
  const outcomes = Array.from({ length: 8 }, () => once(port).then(() => 'answered', () => 'lost'))
  await waitFor(() => slow.held() === 8, 'eight requests held at the node', 5000)
  const current = () => run.server.app.snapshot?.pools.get('p')?.nodes[0]?.status.activeConnections
  assert.equal(current(), 8)
  assert.equal((await run.api('POST', '/api/tm/8.3/status/local_tm/workers/1/restart')).status, 200)
  // The clients whose connections worker 1 held are cut off; their transactions end with it.
  const lost: string[] = []
  await waitFor(() => {
    void Promise.all(outcomes.map((o) => Promise.race([o, Promise.resolve('pending')]))).then((r) => {
      lost.splice(0, lost.length, ...r.filter((x) => x === 'lost'))
    })
    return lost.length > 0 && current() === 8 - lost.length
  }, 'the lost transactions to leave the count', 5000)
  assert.ok(lost.length < 8, 'the primary\'s transactions carry on')
  slow.release()
  assert.equal((await Promise.all(outcomes)).filter((o) => o === 'answered').length, 8 - lost.length)
  await waitFor(() => current() === 0, 'every transaction over', 3000)
})
