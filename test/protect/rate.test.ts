// Rate classes and the rate.* rule functions, through real sockets (issue #13, item 2).
import assert from 'node:assert/strict'
import http from 'node:http'
import { test, type TestContext } from 'node:test'
import { startHttpNode, type HttpNode } from '../helpers/nodes.ts'
import { startProxy, type Proxy, type ProxyOptions } from '../helpers/proxy.ts'
import { waitFor } from '../helpers/wait.ts'

/** GET over a new connection; the body as text. */
function get(port: number, path: string, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      let body = ''
      res.setEncoding('latin1')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => {
        resolve(body)
      })
    })
    req.on('error', reject)
    req.setTimeout(10000, () => req.destroy(new Error('no answer in 10 s')))
  })
}

/** A node that records when each request arrived and answers with its X-Admitted header. */
async function timedNode(t: TestContext): Promise<HttpNode & { arrivals: number[] }> {
  const arrivals: number[] = []
  const node = await startHttpNode(t, 'n', (req, res) => {
    arrivals.push(performance.now())
    res.end(String(req.headers['x-admitted'] ?? 'no'))
  })
  return Object.assign(node, { arrivals })
}

async function rateProxy(t: TestContext, node: HttpNode, rule: string, rates: Record<string, Record<string, number>>, extra: Partial<ProxyOptions> = {}): Promise<Proxy> {
  const files: Record<string, string> = { 'rules/shape': rule }
  for (const [name, basic] of Object.entries(rates)) files[`rate/${name}`] = JSON.stringify({ properties: { basic } })
  return startProxy(t, { nodes: [node.address], vs: { basic: { request_rules: ['shape'] } }, files, ...extra })
}

test('rate.use spaces requests evenly at the class rate', async (t) => {
  const node = await timedNode(t)
  const proxy = await rateProxy(t, node, 'rate.use("r"); http.setHeader("X-Admitted", "yes");', { r: { max_rate_per_second: 20 } })
  const n = 41
  const answers = await Promise.all(Array.from({ length: n }, () => get(proxy.port, '/')))
  assert.ok(answers.every((a) => a === 'yes'))
  const sorted = [...node.arrivals].sort((a, b) => a - b)
  const spanMs = (sorted[n - 1] ?? 0) - (sorted[0] ?? 0)
  // 40 gaps of 50 ms: 2000 ms, within 10 %.
  assert.ok(spanMs > 1800 && spanMs < 2200, `the ${n} requests took ${Math.round(spanMs)} ms`)
  // No burst: no second holds more than its 20 (plus the one on its edge).
  const firstSecond = sorted.filter((ms) => ms - (sorted[0] ?? 0) < 1000).length
  assert.ok(firstSecond <= 21, `${firstSecond} in the first second`)
  const state = proxy.app.rates.get('r')
  assert.equal(state?.counters.admitted, n)
  assert.equal(state.counters.backlog, 0)
  assert.ok(state.counters.queued >= n - 2)
})

test('max_rate_per_minute shapes too, and the stricter rate wins', async (t) => {
  const node = await timedNode(t)
  const proxy = await rateProxy(t, node, 'rate.use("r");', { r: { max_rate_per_minute: 600, max_rate_per_second: 50 } })
  const n = 11
  await Promise.all(Array.from({ length: n }, () => get(proxy.port, '/')))
  const sorted = [...node.arrivals].sort((a, b) => a - b)
  const spanMs = (sorted[n - 1] ?? 0) - (sorted[0] ?? 0)
  // 600 per minute is one per 100 ms: 10 gaps.
  assert.ok(spanMs > 900 && spanMs < 1100, `took ${Math.round(spanMs)} ms`)
})

test('rate.use.noQueue answers 1, 0 and -1, separately per key', async (t) => {
  const node = await timedNode(t)
  const rule = [
    '$missing = "no" . "pe";',
    '$key = http.getHeader("X-User");',
    'http.sendResponse(200, "text/plain", rate.use.noQueue("r", $key) . rate.use.noQueue("r", $key) . rate.use.noQueue($missing), "");',
  ].join('\n')
  const proxy = await rateProxy(t, node, rule, { r: { max_rate_per_minute: 1 } })
  assert.equal(await get(proxy.port, '/', { 'X-User': 'a' }), '10-1')
  assert.equal(await get(proxy.port, '/', { 'X-User': 'a' }), '00-1')
  assert.equal(await get(proxy.port, '/', { 'X-User': 'b' }), '10-1')
  const counters = proxy.app.rates.get('r')?.counters
  assert.equal(counters?.admitted, 2)
  assert.equal(counters.refused, 4)
  // Naming a class that does not exist raises rules/norate, as vTM does.
  const norate = proxy.app.events.list().filter((e) => e.category === 'rules' && e.name === 'norate')
  assert.equal(norate.length, 3)
  const [first] = norate
  assert.ok(first !== undefined)
  assert.equal(first.message, 'rule shape: rate.use.noQueue names rate class "nope", which does not exist')
  assert.deepEqual(first.objects, { rule: 'shape' })
})

test('rate.getBacklog counts the requests waiting for a class, per key', async (t) => {
  const node = await timedNode(t)
  const rule = [
    'if (http.getPath() == "/backlog") { http.sendResponse(200, "text/plain", rate.getBacklog("slow") . "," . rate.getBacklog("slow", "k"), ""); }',
    'rate.use("slow");',
    'http.setHeader("X-Admitted", "yes");',
  ].join('\n')
  const proxy = await rateProxy(t, node, rule, { slow: { max_rate_per_minute: 1 } }, { rateQueue: { maxQueued: 10, maxWaitMs: 1500 } })
  assert.equal(await get(proxy.port, '/'), 'yes')
  const waiting = [get(proxy.port, '/'), get(proxy.port, '/')]
  await waitFor(() => proxy.app.rates.get('slow')?.counters.backlog === 2, 'two requests to queue', 2000)
  assert.equal(await get(proxy.port, '/backlog'), '2,0')
  // They wait out the queue time: the rule is abandoned and the request goes on without it.
  assert.deepEqual(await Promise.all(waiting), ['no', 'no'])
  assert.equal(await get(proxy.port, '/backlog'), '0,0')
})

test('a full queue abandons the rule at once, and a queue wait is abandoned after its time', async (t) => {
  const node = await timedNode(t)
  const proxy = await rateProxy(t, node, 'rate.use("slow"); http.setHeader("X-Admitted", "yes");', { slow: { max_rate_per_minute: 1 } }, {
    rateQueue: { maxQueued: 2, maxWaitMs: 400 },
  })
  assert.equal(await get(proxy.port, '/'), 'yes')
  const started = performance.now()
  const queued = [get(proxy.port, '/'), get(proxy.port, '/')]
  await waitFor(() => proxy.app.rates.get('slow')?.counters.backlog === 2, 'two requests to queue', 2000)
  assert.equal(await get(proxy.port, '/'), 'no', 'the third finds the queue full')
  assert.ok(performance.now() - started < 400, 'without waiting')
  assert.deepEqual(await Promise.all(queued), ['no', 'no'])
  assert.ok(performance.now() - started >= 390, 'the queued ones waited their time')
  const counters = proxy.app.rates.get('slow')?.counters
  assert.deepEqual({ ...counters }, { admitted: 1, queued: 2, dropped: 3, refused: 0, backlog: 0 })
  const aborts = proxy.app.events.list().filter((e) => e.category === 'rules' && e.name === 'ruleabort').map((e) => e.message)
  assert.equal(aborts.filter((m) => m.includes('the queue of rate class "slow" is full (2 waiting)')).length, 1)
  assert.equal(aborts.filter((m) => m.includes('waited 400 ms in the queue of rate class "slow"')).length, 2)
})

test('a class without limits lets everything through; queues and counters survive a reload', async (t) => {
  const node = await timedNode(t)
  const proxy = await rateProxy(t, node, 'rate.use("r"); http.setHeader("X-Admitted", "yes");', { r: { max_rate_per_minute: 0 } })
  const answers = await Promise.all(Array.from({ length: 20 }, () => get(proxy.port, '/')))
  assert.ok(answers.every((a) => a === 'yes'))
  assert.equal(proxy.app.rates.get('r')?.counters.admitted, 20)
  const config = proxy.app.snapshot?.config
  assert.ok(config !== undefined)
  assert.ok((await proxy.app.apply(config)).ok)
  assert.equal(await get(proxy.port, '/'), 'yes')
  assert.equal(proxy.app.rates.get('r')?.counters.admitted, 21)
})
