// HTTP/1.1 proxying through a real App: balancing, keep-alive on both sides, forwarding headers,
// HTTP/1.0 clients, bodiless responses, pipelining, 100-continue and upgrades.
import assert from 'node:assert/strict'
import http from 'node:http'
import { test } from 'node:test'
import { onCleanup } from '../helpers/cleanup.ts'
import { replyOnHead, startHttpNode, startRawNode } from '../helpers/nodes.ts'
import { startProxy } from '../helpers/proxy.ts'
import { RawClient, exchangeUntilClose } from '../helpers/raw-client.ts'
import { waitFor } from '../helpers/wait.ts'

test('requests spread over the nodes by round robin; client and node keep-alive are reused', async (t) => {
  const a = await startHttpNode(t, 'a')
  const b = await startHttpNode(t, 'b')
  const c = await startHttpNode(t, 'c')
  const proxy = await startProxy(t, { nodes: [a.address, b.address, c.address] })
  const client = await RawClient.connect(t, proxy.port)
  const names: string[] = []
  for (let i = 0; i < 9; i++) {
    client.write('GET /x HTTP/1.1\r\nHost: example.test\r\n\r\n')
    const res = await client.readResponse()
    assert.equal(res.status, 200)
    names.push(res.body.toString())
  }
  assert.deepEqual(names.slice().sort(), ['a', 'a', 'a', 'b', 'b', 'b', 'c', 'c', 'c'])
  for (let i = 3; i < 9; i++) assert.equal(names[i], names[i - 3], `round robin order: ${names.join(',')}`)
  assert.equal(client.closed || client.ended, false, 'client connection kept alive')
  assert.equal(a.connections + b.connections + c.connections, 3, 'one pooled connection per node')
  assert.equal(a.requests + b.requests + c.requests, 9)
  assert.equal(proxy.active(), 0)
})

test('Host is preserved; hop-by-hop fields are removed and forwarding fields set', async (t) => {
  const node = await startHttpNode(t, 'n', (_req, res) => {
    res.setHeader('Connection', 'X-Node-Hop, keep-alive')
    res.setHeader('X-Node-Hop', 'secret')
    res.setHeader('Keep-Alive', 'timeout=5')
    res.setHeader('Proxy-Connection', 'keep-alive')
    res.setHeader('Upgrade', 'h2c')
    res.setHeader('X-End', 'kept')
    res.end('ok')
  })
  const proxy = await startProxy(t, {
    nodes: [node.address],
    vs: { http: { add_x_forwarded_for: true, add_x_forwarded_proto: true } },
  })
  const client = await RawClient.connect(t, proxy.port)
  client.write(
    'GET /h HTTP/1.1\r\nHost: Example.Test:8080\r\nConnection: keep-alive, X-Client-Hop\r\nX-Client-Hop: 1\r\n' +
      'Keep-Alive: 300\r\nProxy-Connection: keep-alive\r\nTE: trailers\r\nUpgrade: websocket\r\n' +
      'X-Cluster-Client-Ip: 6.6.6.6\r\nX-Forwarded-For: 10.0.0.1\r\nX-Forwarded-Proto: https\r\nX-Keep: yes\r\n\r\n',
  )
  const res = await client.readResponse()
  assert.equal(res.status, 200)
  for (const h of ['connection', 'x-node-hop', 'keep-alive', 'proxy-connection', 'upgrade']) {
    assert.equal(res.headers.get(h), undefined, `${h} removed from the response`)
  }
  assert.deepEqual(res.headers.get('x-end'), ['kept'])
  const seen = node.seen[0]
  assert.ok(seen !== undefined)
  const raw = seen.rawHeaders
  const names = raw.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase())
  for (const h of ['x-client-hop', 'keep-alive', 'proxy-connection', 'te', 'upgrade']) {
    assert.ok(!names.includes(h), `${h} removed from the request: ${names.join(',')}`)
  }
  assert.equal(seen.headers.host, 'Example.Test:8080')
  assert.equal(seen.headers['x-keep'], 'yes')
  assert.equal(seen.headers['x-cluster-client-ip'], '127.0.0.1')
  assert.equal(names.filter((n) => n === 'x-cluster-client-ip').length, 1)
  assert.equal(seen.headers['x-forwarded-for'], '10.0.0.1, 127.0.0.1')
  assert.equal(seen.headers['x-forwarded-proto'], 'http')
  assert.equal(names.filter((n) => n === 'x-forwarded-proto').length, 1)
})

test('forwarding fields follow the http settings', async (t) => {
  const node = await startHttpNode(t, 'n')
  const proxy = await startProxy(t, {
    nodes: [node.address],
    vs: { http: { add_cluster_ip: false, add_x_forwarded_for: false, add_x_forwarded_proto: false, strip_x_forwarded_proto: false } },
  })
  const client = await RawClient.connect(t, proxy.port)
  client.write('GET / HTTP/1.1\r\nHost: h\r\nX-Forwarded-For: 10.0.0.1\r\nX-Forwarded-Proto: https\r\nX-Cluster-Client-Ip: 6.6.6.6\r\n\r\n')
  assert.equal((await client.readResponse()).status, 200)
  const seen = node.seen[0]?.headers
  assert.equal(seen?.['x-forwarded-for'], '10.0.0.1')
  assert.equal(seen['x-forwarded-proto'], 'https')
  assert.equal(seen['x-cluster-client-ip'], '6.6.6.6')
})

test('the client address is reported without the IPv4-mapped prefix on a dual-stack listener', async (t) => {
  const node = await startHttpNode(t, 'n')
  const proxy = await startProxy(t, { nodes: [node.address], vs: { basic: { listen_on_any: true, listen_on_hosts: [] } } })
  const client = await RawClient.connect(t, proxy.port)
  client.write('GET / HTTP/1.1\r\nHost: h\r\n\r\n')
  assert.equal((await client.readResponse()).status, 200)
  assert.equal(node.seen[0]?.headers['x-cluster-client-ip'], '127.0.0.1')
})

test('HTTP/1.0 clients: closed by default, kept alive when asked and the node sent a length', async (t) => {
  const node = await startRawNode(t, replyOnHead('HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nn', 'end'))
  const proxy = await startProxy(t, { nodes: [node.address] })
  const text = await exchangeUntilClose(t, proxy.port, 'GET / HTTP/1.0\r\n\r\n')
  assert.match(text, /^HTTP\/1\.1 200 /)
  assert.match(text, /\r\n\r\nn$/)
  const client = await RawClient.connect(t, proxy.port)
  for (let i = 0; i < 2; i++) {
    client.write('GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n')
    const res = await client.readResponse()
    assert.equal(res.status, 200)
    assert.deepEqual(res.headers.get('connection'), ['keep-alive'])
    assert.equal(res.body.toString(), 'n')
  }
  assert.equal(client.ended, false)
  assert.equal(proxy.active(), 0)
  assert.ok(node.received.every((r) => r.startsWith('GET / HTTP/1.0\r\n') && !/connection/i.test(r)), node.received.join('|'))
})

test('HTTP/1.0 keep-alive client gets a close when the node response is close-delimited', async (t) => {
  const node = await startHttpNode(t, 'n')
  const proxy = await startProxy(t, { nodes: [node.address] })
  const text = await exchangeUntilClose(t, proxy.port, 'GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n')
  assert.match(text, /^HTTP\/1\.1 200 [^]*\r\nConnection: close\r\n\r\nn$/)
})

test('HEAD, 204 and 304 carry no body and the connections stay usable', async (t) => {
  const node = await startRawNode(t, (s, got) => {
    const heads = got.split('\r\n\r\n').length - 1
    const requests = got.split('\r\n\r\n').slice(0, heads)
    const last = requests[heads - 1] ?? ''
    if (last.startsWith('HEAD')) s.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n')
    else if (last.includes('/204')) s.write('HTTP/1.1 204 No Content\r\n\r\n')
    else if (last.includes('/304')) s.write('HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\n')
    else s.write('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody')
  })
  const proxy = await startProxy(t, { nodes: [node.address] })
  const client = await RawClient.connect(t, proxy.port)
  client.write('HEAD / HTTP/1.1\r\nHost: h\r\n\r\n')
  const head = await client.readResponse(2000, true)
  assert.equal(head.status, 200)
  assert.deepEqual(head.headers.get('content-length'), ['1000'])
  client.write('GET /204 HTTP/1.1\r\nHost: h\r\n\r\n')
  assert.equal((await client.readResponse()).status, 204)
  client.write('GET /304 HTTP/1.1\r\nHost: h\r\n\r\n')
  assert.equal((await client.readResponse()).status, 304)
  client.write('GET /x HTTP/1.1\r\nHost: h\r\n\r\n')
  const last = await client.readResponse()
  assert.equal(last.body.toString(), 'body')
  assert.equal(client.unread, '', 'nothing after the last response')
  assert.equal(node.connections, 1, 'one node connection for all four')
})

test('pipelined requests in one write are answered in order', async (t) => {
  const node = await startHttpNode(t, 'n', (req, res) => {
    // Answer the first one last, to prove ordering is kept by the proxy and not by luck.
    const delayMs = req.url === '/1' ? 50 : 0
    setTimeout(() => res.end(`reply ${req.url ?? ''}`), delayMs)
  })
  const node2 = await startHttpNode(t, 'm', (req, res) => res.end(`reply ${req.url ?? ''}`))
  const proxy = await startProxy(t, { nodes: [node.address, node2.address] })
  const client = await RawClient.connect(t, proxy.port)
  let batch = ''
  for (let i = 1; i <= 5; i++) batch += `GET /${i} HTTP/1.1\r\nHost: h\r\n\r\n`
  batch += 'POST /6 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc'
  batch += 'GET /7 HTTP/1.1\r\nHost: h\r\n\r\n'
  client.write(batch)
  for (let i = 1; i <= 7; i++) assert.equal((await client.readResponse()).body.toString(), `reply /${i}`)
  assert.equal(proxy.active(), 0)
})

test('Expect: 100-continue is relayed and the body follows', async (t) => {
  const node = await startHttpNode(t, 'n', (req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => res.end(`got ${body}`))
  })
  const proxy = await startProxy(t, { nodes: [node.address] })
  const client = await RawClient.connect(t, proxy.port)
  client.write('PUT /u HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n')
  const interim = await client.readResponse()
  assert.equal(interim.status, 100)
  client.write('hello')
  const res = await client.readResponse()
  assert.equal(res.status, 200)
  assert.equal(res.body.toString(), 'got hello')
})

test("node's http client through the proxy: many requests on one agent socket", async (t) => {
  const node = await startHttpNode(t, 'n')
  const proxy = await startProxy(t, { nodes: [node.address] })
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  onCleanup(t, () => {
    agent.destroy()
  })
  for (let i = 0; i < 5; i++) {
    const body = await new Promise<string>((resolve, reject) => {
      http
        .get(`${proxy.url}/`, { agent }, (res) => {
          let text = ''
          res.on('data', (c: Buffer) => (text += c.toString()))
          res.on('end', () => {
            resolve(text)
          })
        })
        .on('error', reject)
    })
    assert.equal(body, 'n')
  }
  const posted = await new Promise<string>((resolve, reject) => {
    const req = http.request(`${proxy.url}/f`, { method: 'POST', agent }, (res) => {
      let text = ''
      res.on('data', (c: Buffer) => (text += c.toString()))
      res.on('end', () => {
        resolve(text)
      })
    })
    req.on('error', reject)
    req.end('payload')
  })
  assert.equal(posted, 'n')
  await waitFor(() => proxy.active() === 0, 'active connections back to 0')
  // The POST is not idempotent: it gets its own node connection (keepalive_non_idempotent off).
  assert.equal(node.connections, 2)
})
