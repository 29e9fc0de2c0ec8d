// Each HTTP/2 stream is a transaction like an HTTP/1.1 request: request and response rules run,
// statistics count it, and the connection's own timeouts bound it.
import assert from 'node:assert/strict'
import type { IncomingMessage } from 'node:http'
import { test } from 'node:test'
import { h2Request, h2Session } from '../helpers/h2-client.ts'
import { startHttpNode } from '../helpers/nodes.ts'
import { startProxy } from '../helpers/proxy.ts'
import { sleep, waitFor } from '../helpers/wait.ts'

test('rules and statistics see HTTP/2 streams as transactions', async (t) => {
  const node = await startHttpNode(t, 'n', (req, res) => {
    req.resume()
    res.end(String(req.headers['x-rule'] ?? 'none'))
  })
  const request = `
    if( http.getPath() == "/made" ) { http.sendResponse( "201 Created", "text/plain", "made by a rule", "" ); }
    http.setHeader( "X-Rule", http.getHeader( "X-From-Client" ) . "-seen" );
  `
  const response = 'http.setResponseHeader( "X-Response-Rule", "ran" );'
  const proxy = await startProxy(t, {
    nodes: [node.address],
    vs: { basic: { request_rules: ['req'], response_rules: ['res'] } },
    files: { 'rules/req': request, 'rules/res': response },
  })
  const session = await h2Session(t, proxy.url)
  const r = await h2Request(session, { ':path': '/', 'x-from-client': 'h2' })
  assert.equal(r.status, 200)
  assert.equal(r.body.toString(), 'h2-seen')
  assert.equal(r.headers['x-response-rule'], 'ran')
  const made = await h2Request(session, { ':path': '/made' })
  assert.equal(made.status, 201)
  assert.equal(made.body.toString(), 'made by a rule')
  assert.equal(node.requests, 1)
  const counters = proxy.app.stats.virtualServer('web')
  await waitFor(() => counters.totalRequests === 2, 'both streams counted')
  assert.equal(counters.http2xx, 2)
})

test('http2.idle_timeout_no_streams closes a connection that opens no more streams', async (t) => {
  const node = await startHttpNode(t, 'n')
  const proxy = await startProxy(t, { nodes: [node.address], vs: { http2: { idle_timeout_no_streams: 1 } } })
  const session = await h2Session(t, proxy.url)
  assert.equal((await h2Request(session, { ':path': '/' })).status, 200)
  await waitFor(() => session.closed || session.destroyed, 'the idle connection closed', 4000)
})

test('http2.connect_timeout closes a connection that sends no request', async (t) => {
  const node = await startHttpNode(t, 'n')
  const proxy = await startProxy(t, { nodes: [node.address], vs: { http2: { connect_timeout: 1 } } })
  const session = await h2Session(t, proxy.url)
  await waitFor(() => session.closed || session.destroyed, 'the silent connection closed', 4000)
  assert.equal(node.requests, 0)
})

test('an upload to a node that stops reading stalls the client: flow control, bounded buffers', async (t) => {
  let nodeReq: IncomingMessage | null = null
  const node = await startHttpNode(t, 'n', (req, res) => {
    nodeReq = req
    req.pause()
    req.on('end', () => res.end('done'))
  })
  const proxy = await startProxy(t, { nodes: [node.address] })
  const session = await h2Session(t, proxy.url)
  const upload = session.request({ ':method': 'POST', ':path': '/up', 'content-length': String(64 * 1024 * 1024) })
  upload.on('error', () => undefined)
  const piece = Buffer.alloc(64 * 1024, 0x75)
  let sent = 0
  // Write until the stream stays full for 300 ms (or everything went, which would be the bug).
  for (let i = 0; i < 1024; i++) {
    if (upload.write(piece)) {
      sent += piece.length
      continue
    }
    sent += piece.length
    const drained = await Promise.race([new Promise((r) => upload.once('drain', () => { r(true); })), sleep(300).then(() => false)])
    if (!drained) break
  }
  assert.ok(sent < 32 * 1024 * 1024, `the client could send ${sent} bytes to a node that reads none`)
  await waitFor(() => nodeReq !== null, 'the request at the node')
  upload.close()
})
