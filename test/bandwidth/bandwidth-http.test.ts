// Bandwidth classes on HTTP virtual servers (issue #13 item 3): a class paces what Sluice writes
// to clients (the virtual server's class, or a rule's response.setBandwidthClass) and to nodes
// (the pool's class, or request.setBandwidthClass), smoothly and through backpressure.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import { startHttpNode, writeRepeated } from '../helpers/nodes.ts'
import { obj, poolObj, startApp, vsObj } from '../tls/start-app.ts'
import { boundPort } from '../helpers/bound-port.ts'

const KB = 1024

/** A node answering GET /N with N bytes and POST by reading the body, then "got N". */
async function bulkNode(t: TestContext) {
  return startHttpNode(t, 'bulk', (req, res) => {
    if (req.method === 'POST') {
      let n = 0
      req.on('data', (c: Buffer) => (n += c.length))
      req.on('end', () => res.end(`got ${String(n)}`))
      return
    }
    const size = Number((req.url ?? '/0').slice(1))
    res.setHeader('content-length', String(size))
    writeRepeated(res, Buffer.alloc(16 * KB, 120), size)
  })
}

/** Fetches `path` over its own connection; how long it took (s) and how many bytes came. */
function timed(port: number, path: string, body?: Buffer): Promise<{ seconds: number; bytes: number; text: string }> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: body === undefined ? 'GET' : 'POST', agent: false }, (res) => {
      let bytes = 0
      let text = ''
      res.on('data', (c: Buffer) => {
        bytes += c.length
        if (text.length < 100) text += c.toString('latin1')
      })
      res.on('end', () => {
        resolve({ seconds: (performance.now() - started) / 1000, bytes, text })
      })
    })
    req.setTimeout(20_000, () => req.destroy(new Error('no answer in 20 s')))
    req.on('error', reject)
    req.end(body)
  })
}

function within(actual: number, expected: number, share: number): void {
  assert.ok(Math.abs(actual - expected) <= expected * share, `${actual.toFixed(2)} s, expected ${expected.toFixed(2)} s ±${String(share * 100)}%`)
}

test('a 100 KB download through a 400 kbit/s class takes about 2 s; unclassed it is immediate', async (t) => {
  const node = await bulkNode(t)
  const started = await startApp(t, {
    'bandwidth/slow': obj({ basic: { maximum: 400, sharing: 'connection' } }),
    'pools/p': poolObj([node.address]),
    'virtual_servers/web': vsObj(0, 'http', 'p', { basic: { bandwidth_class: 'slow' } }),
    'virtual_servers/fast': vsObj(0, 'http', 'p'),
  })
  const plain = boundPort(started, 'fast')
  const port = boundPort(started, 'web')
  const shaped = await timed(port, `/${String(100 * KB)}`)
  assert.equal(shaped.bytes, 100 * KB)
  within(shaped.seconds, (100 * KB) / 50_000, 0.15)
  const free = await timed(plain, `/${String(100 * KB)}`)
  assert.ok(free.seconds < 0.5, `${String(free.seconds)} s`)
})

test('machine: two downloads share the rate; connection: each gets it', async (t) => {
  const node = await bulkNode(t)
  const started2 = await startApp(t, {
    'bandwidth/shared': obj({ basic: { maximum: 400, sharing: 'machine' } }),
    'bandwidth/each': obj({ basic: { maximum: 400, sharing: 'connection' } }),
    'pools/p': poolObj([node.address]),
    'virtual_servers/m': vsObj(0, 'http', 'p', { basic: { bandwidth_class: 'shared' } }),
    'virtual_servers/c': vsObj(0, 'http', 'p', { basic: { bandwidth_class: 'each' } }),
  })
  const perConnection = boundPort(started2, 'c')
  const machine = boundPort(started2, 'm')
  const size = 50 * KB
  const shared = await Promise.all([timed(machine, `/${String(size)}`), timed(machine, `/${String(size)}`)])
  // Together 100 KB at 50,000 bytes/s: about 2 s, and fairly: both end at about the same time.
  for (const d of shared) within(d.seconds, (2 * size) / 50_000, 0.15)
  const each = await Promise.all([timed(perConnection, `/${String(size)}`), timed(perConnection, `/${String(size)}`)])
  for (const d of each) within(d.seconds, size / 50_000, 0.2)
})

test('rules choose classes: response.setBandwidthClass paces the response, request.setBandwidthClass the upload to the node', async (t) => {
  const node = await bulkNode(t)
  const started3 = await startApp(t, {
    'bandwidth/slow': obj({ basic: { maximum: 400, sharing: 'connection' } }),
    'rules/pick': 'if (http.getPath() == "/' + String(60 * KB) + '") { response.setBandwidthClass("slow"); } if (http.getMethod() == "POST") { request.setBandwidthClass("slow"); }',
    'pools/p': poolObj([node.address]),
    'virtual_servers/web': vsObj(0, 'http', 'p', { basic: { request_rules: ['pick'] } }),
  })
  const port = boundPort(started3, 'web')
  within((await timed(port, `/${String(60 * KB)}`)).seconds, (60 * KB) / 50_000, 0.15)
  assert.ok((await timed(port, `/${String(60 * KB + 1)}`)).seconds < 0.5, 'another path is not paced')
  const upload = await timed(port, '/up', Buffer.alloc(60 * KB, 97))
  assert.equal(upload.text, `got ${String(60 * KB)}`)
  within(upload.seconds, (60 * KB) / 50_000, 0.15)
})

test('a pool\'s class paces what is written to its nodes', async (t) => {
  const node = await bulkNode(t)
  const started4 = await startApp(t, {
    'bandwidth/slow': obj({ basic: { maximum: 400, sharing: 'connection' } }),
    'pools/p': poolObj([node.address], { basic: { bandwidth_class: 'slow' } }),
    'virtual_servers/web': vsObj(0, 'http', 'p'),
  })
  const port = boundPort(started4, 'web')
  const upload = await timed(port, '/up', Buffer.alloc(60 * KB, 97))
  assert.equal(upload.text, `got ${String(60 * KB)}`)
  within(upload.seconds, (60 * KB) / 50_000, 0.15)
  assert.ok((await timed(port, `/${String(60 * KB)}`)).seconds < 0.5, 'downloads from the pool are not paced by it')
})

/** The API harness with machine class `slow` of `maximum` kbit/s on its virtual server `vs`. */
async function classedApi(t: TestContext, maximum: number) {
  const { startApi } = await import('../api/harness.ts')
  const node = await bulkNode(t)
  const api = await startApi(
    t,
    {
      'bandwidth/slow': { properties: { basic: { maximum, sharing: 'machine' } } },
      'pools/p': { properties: { basic: { nodes_table: [{ node: node.address }] } } },
    },
    'p',
  )
  const put = await api.call('PUT', '/api/tm/8.3/config/active/virtual_servers/vs', { properties: { basic: { bandwidth_class: 'slow' } } })
  assert.equal(put.status, 200, put.text)
  return api
}

test('statistics and Prometheus count each class; a class named but missing is an error naming both', async (t) => {
  const api = await classedApi(t, 4000)
  assert.equal((await api.call('GET', '/api/tm/8.3/config/active/virtual_servers/vs')).status, 200)
  await timed(api.vsPort, `/${String(20 * KB)}`)
  const stats = await api.call('GET', '/api/tm/8.3/status/local_tm/statistics/bandwidth/slow')
  assert.deepEqual(stats.body, { statistics: { maximum: 4000, guarantee: 0, bytes_out: 20 * KB, connections: 1, sharing: 'machine' } })
  const metrics = await api.call('GET', '/metrics')
  assert.match(metrics.text, /sluice_bandwidth_bytes_total\{bandwidth="slow"\} 20480/)
  const bad = await api.call('PUT', '/api/tm/8.3/config/active/pools/p', { properties: { basic: { bandwidth_class: 'nope' } } })
  assert.equal(bad.status, 400, bad.text)
  assert.match(bad.text, /bandwidth_class/)
  assert.match(bad.text, /nope/)
})

test('a class that stays through a reload keeps its counters, and a download under way keeps its pace', async (t) => {
  const api = await classedApi(t, 400)
  const statistics = async () => ((await api.call('GET', '/api/tm/8.3/status/local_tm/statistics/bandwidth/slow')).body as { statistics: { bytes_out: number; connections: number } }).statistics
  // 100 KB at 400 kbit/s: about 2 s, with a reload once it is under way.
  const download = timed(api.vsPort, `/${String(100 * KB)}`)
  for (let i = 0; i < 100 && (await statistics()).bytes_out === 0; i++) await new Promise((r) => setTimeout(r, 20))
  const note = await api.call('PUT', '/api/tm/8.3/config/active/bandwidth/slow', { properties: { basic: { note: 'reloaded' } } })
  assert.equal(note.status, 200, note.text)
  const first = await download
  assert.equal(first.bytes, 100 * KB)
  within(first.seconds, 100 * KB * 8 / 400_000, 0.15)
  assert.equal((await statistics()).bytes_out, 100 * KB)
  await timed(api.vsPort, `/${String(10 * KB)}`)
  const after = await statistics()
  assert.equal(after.bytes_out, 110 * KB)
  assert.equal(after.connections, 2)
})
