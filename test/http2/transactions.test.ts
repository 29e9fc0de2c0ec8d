// Each HTTP/2 stream is a transaction like an HTTP/1.1 request: request and response rules run,
// statistics count it, and the connection's own timeouts bound it.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { h2Request, h2Session } from '../helpers/h2-client.ts'
import { startHttpNode } from '../helpers/nodes.ts'
import { startProxy } from '../helpers/proxy.ts'
import { waitFor } from '../helpers/wait.ts'

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
