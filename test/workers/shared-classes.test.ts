// Traffic classes and the web cache with several workers (issues #15 and #13): service
// protection counts, bandwidth allowances, service level monitors and cached responses are one
// for the whole machine, whichever worker a connection reaches.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import { startHttpNode } from '../helpers/nodes.ts'
import { httpVs, once, poolDoc, startWorkers } from './workers-harness.ts'

test('service protection counts an address\'s connections and rate over every worker', async (t) => {
  const node = await startHttpNode(t, 'n')
  const run = await startWorkers(t, {
    'protection/guard': { properties: { concurrent_connections: { max_1_connections: 3, min_connections: 1 } } },
    'protection/paced': { properties: { connection_rate: { max_connection_rate: 5, rate_timer: 60 } } },
    'pools/p': poolDoc([node.address]),
    'virtual_servers/web': httpVs('p', { basic: { enabled: true, port: 0, protocol: 'http', pool: 'p', listen_on_any: false, listen_on_hosts: ['127.0.0.1'], protection_class: 'guard' } }),
    'virtual_servers/paced': httpVs('p', { basic: { enabled: true, port: 0, protocol: 'http', pool: 'p', listen_on_any: false, listen_on_hosts: ['127.0.0.1'], protection_class: 'paced' } }),
  })
  // Eight kept-alive connections from one address, spread over both workers: three get in.
  const statuses: number[] = []
  const agents: http.Agent[] = []
  t.after(() => {
    for (const a of agents) a.destroy()
  })
  for (let i = 0; i < 8; i++) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
    agents.push(agent)
    statuses.push(
      await new Promise<number>((resolve) => {
        http
          .get({ host: '127.0.0.1', port: run.port('web'), agent }, (res) => {
            res.resume()
            res.on('end', () => {
              resolve(res.statusCode ?? 0)
            })
          })
          .on('error', () => {
            resolve(0)
          })
      }),
    )
  }
  assert.equal(statuses.filter((s) => s === 200).length, 3, `statuses ${statuses.join(',')}`)
  // Twenty requests on new connections against a rate of five a minute: five get through.
  const paced = await Promise.all(Array.from({ length: 20 }, () => once(run.port('paced')).then((a) => a.status, () => 0)))
  assert.equal(paced.filter((s) => s === 200).length, 5, `statuses ${paced.join(',')}`)
})

test('a machine bandwidth class is one allowance for every worker', async (t) => {
  const node = await startHttpNode(t, 'bulk', (req, res) => {
    req.resume()
    res.setHeader('content-length', String(40 * 1024))
    res.end(Buffer.alloc(40 * 1024, 120))
  })
  const run = await startWorkers(t, {
    'bandwidth/shared': { properties: { basic: { maximum: 400, sharing: 'machine' } } },
    'pools/p': poolDoc([node.address]),
    'virtual_servers/web': httpVs('p', { basic: { enabled: true, port: 0, protocol: 'http', pool: 'p', listen_on_any: false, listen_on_hosts: ['127.0.0.1'], bandwidth_class: 'shared' } }),
  })
  // Four 40 KB downloads on four connections (spread over both workers): 160 KB at 50,000 bytes/s.
  const started = performance.now()
  const done = await Promise.all(Array.from({ length: 4 }, () => once(run.port('web'))))
  const seconds = (performance.now() - started) / 1000
  for (const d of done) assert.equal(d.text.length, 40 * 1024)
  assert.ok(Math.abs(seconds - (160 * 1024) / 50_000) < 0.5, `${seconds.toFixed(2)} s for 160 KB at 400 kbit/s`)
  const listed = (await run.api('GET', '/api/tm/8.3/status/local_tm/workers')).body as { workers: { accepted: number }[] }
  assert.equal(listed.workers.reduce((n, w) => n + w.accepted, 0), 4)
})

test('a service level monitor is one class for every worker: its events come once', async (t) => {
  const delay = { ms: 0 }
  const node = await startHttpNode(t, 'app', (req, res) => {
    req.resume()
    setTimeout(() => res.end('app'), delay.ms)
  })
  const run = await startWorkers(t, {
    'service_level_monitors/svc': { properties: { basic: { response_time: 100, warning_threshold: 50 } } },
    'pools/p': poolDoc([node.address]),
    'virtual_servers/web': httpVs('p', { basic: { enabled: true, port: 0, protocol: 'http', pool: 'p', listen_on_any: false, listen_on_hosts: ['127.0.0.1'], slm_class: 'svc' } }),
  })
  for (let i = 0; i < 4; i++) await once(run.port('web'))
  delay.ms = 150
  await Promise.all(Array.from({ length: 12 }, () => once(run.port('web'))))
  const stats = await run.api('GET', '/api/tm/8.3/status/local_tm/statistics/service_level_monitors/svc')
  assert.deepEqual((stats.body as { statistics: Record<string, number> }).statistics['total_conn'], 16)
  assert.equal((stats.body as { statistics: Record<string, number> }).statistics['conforming'], 25)
  const events = (await run.api('GET', '/api/tm/8.3/status/local_tm/events?category=slm')).body as { events: { name: string }[] }
  assert.deepEqual(events.events.map((e) => e.name), ['slmfallenbelowwarn'])
})

test('a response one worker caches is served from the cache by every worker; an invalidation reaches them all', async (t) => {
  let served = 0
  const node = await startHttpNode(t, 'origin', (req, res) => {
    req.resume()
    served++
    res.setHeader('cache-control', 'max-age=60')
    res.end(`copy ${String(served)}`)
  })
  const run = await startWorkers(t, {
    'pools/p': poolDoc([node.address]),
    'virtual_servers/web': httpVs('p', { web_cache: { enabled: true } }),
  })
  const port = run.port('web')
  assert.equal((await once(port, '/page')).text, 'copy 1')
  // The copy reaches the other worker (one message hop): its cache holds the entry.
  for (let i = 0; i < 200; i++) {
    const captures = (await run.server.app.workers?.statistics()) ?? []
    if (captures.every((c) => c.webCaches.some(([, n]) => n['entries'] === 1))) break
    await new Promise((r) => setTimeout(r, 5))
  }
  for (let i = 0; i < 20; i++) assert.equal((await once(port, '/page')).text, 'copy 1', `request ${String(i)} on a new connection`)
  assert.equal(served, 1)
  const totals = (await run.api('GET', '/api/tm/8.3/status/local_tm/web_cache')).body as { statistics: { entries: number } }
  assert.equal(totals.statistics.entries, 1, 'copies are not counted twice')
  // A POST to the URL invalidates it in every worker.
  await new Promise<void>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/page', method: 'POST', agent: false }, (res) => {
      res.resume()
      res.on('end', resolve)
    })
    req.on('error', reject)
    req.end('x')
  })
  const after = new Set<string>()
  for (let i = 0; i < 10; i++) after.add((await once(port, '/page')).text)
  assert.ok(!after.has('copy 1'), `no worker serves the invalidated copy: ${[...after].join(', ')}`)
})

test('a TLS session in the session-ID cache resumes on every worker (tickets off)', async (t) => {
  const { makePki } = await import('../tls/pki.ts')
  const pki = makePki()
  if (pki === undefined) {
    t.skip('openssl is not available')
    return
  }
  t.after(() => {
    pki.cleanup()
  })
  const cert = pki.server(['main.test'])
  const node = await startHttpNode(t, 'n1')
  const run = await startWorkers(t, {
    'ssl/server_keys/main': { properties: { basic: { public: cert.cert, private: cert.key } } },
    'pools/p': poolDoc([node.address]),
    'virtual_servers/web': httpVs('p', {
      basic: { enabled: true, port: 0, protocol: 'http', pool: 'p', listen_on_any: false, listen_on_hosts: ['127.0.0.1'], ssl_decrypt: true },
      ssl: { server_cert_default: 'main', session_tickets_enabled: 'disabled', session_cache_enabled: 'enabled' },
    }),
  })
  const port = run.port('web')
  const { connect } = await import('node:tls')
  const handshake = (session?: Buffer): Promise<{ reused: boolean; session: Buffer | undefined }> =>
    new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, maxVersion: 'TLSv1.2', servername: 'main.test', ...(session === undefined ? {} : { session }) })
      let got: Buffer | undefined
      s.on('session', (b: Buffer) => (got = b))
      s.once('secureConnect', () => {
        const reused = s.isSessionReused()
        s.end()
        s.once('close', () => {
          resolve({ reused, session: got ?? session })
        })
      })
      s.on('error', reject)
    })
  const first = await handshake()
  assert.ok(first.session !== undefined)
  // Two statistics round trips: messages between threads keep their order, so the session news
  // (worker to primary, relayed to the others) has arrived everywhere once both are answered.
  await run.server.app.workers?.statistics()
  await run.server.app.workers?.statistics()
  for (let i = 0; i < 12; i++) assert.equal((await handshake(first.session)).reused, true, `connection ${String(i)} resumed`)
})
