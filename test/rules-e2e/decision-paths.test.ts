/**
 * Every way a rule's decision leaves the usual path, end to end through real sockets: dropping
 * the connection, closing it after some bytes, choosing one node of a pool by address, and
 * replacing the node's response body (with keep-alive going on afterwards).
 * @module
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startHttpNode } from '../helpers/nodes.ts'
import { startProxy } from '../helpers/proxy.ts'
import { RawClient, exchangeUntilClose } from '../helpers/raw-client.ts'

const GET = 'GET /x HTTP/1.1\r\nHost: a\r\n\r\n'

test('connection.discard drops the connection without an answer, and no node hears of it', async (t) => {
  const node = await startHttpNode(t, 'n')
  const proxy = await startProxy(t, {
    nodes: [node.address],
    files: { 'rules/drop': 'if( http.getPath() == "/x" ) connection.discard();' },
    vs: { basic: { request_rules: ['drop'] } },
  })
  const got = await exchangeUntilClose(t, proxy.port, GET)
  assert.equal(got, '')
  assert.equal(node.requests, 0)
  // Another path still goes through.
  assert.equal(await (await fetch(`${proxy.url}/y`)).text(), 'n')
})

test('connection.close with data sends those bytes, then closes; no node hears of it', async (t) => {
  const node = await startHttpNode(t, 'n')
  const proxy = await startProxy(t, {
    nodes: [node.address],
    files: { 'rules/bye': 'connection.close( "HTTP/1.0 418 Teapot\\r\\n\\r\\nno coffee" );' },
    vs: { basic: { request_rules: ['bye'] } },
  })
  const got = await exchangeUntilClose(t, proxy.port, GET)
  assert.equal(got, 'HTTP/1.0 418 Teapot\r\n\r\nno coffee')
  assert.equal(node.requests, 0)
})

test('pool.use with a host and port sends every request to that node of the pool', async (t) => {
  const a = await startHttpNode(t, 'a')
  const b = await startHttpNode(t, 'b')
  const proxy = await startProxy(t, {
    nodes: [a.address, b.address],
    files: { 'rules/pin': `pool.use( "p", "127.0.0.1", ${String(b.port)} );` },
    vs: { basic: { request_rules: ['pin'] } },
  })
  const answers: string[] = []
  for (let i = 0; i < 4; i++) answers.push(await (await fetch(`${proxy.url}/`)).text())
  assert.deepEqual(answers, ['b', 'b', 'b', 'b'])
  assert.equal(a.requests, 0)
})

test('a response rule replaces the body; the length is right and the connection stays usable', async (t) => {
  const node = await startHttpNode(t, 'n', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' })
    res.end('original body from the node')
  })
  const proxy = await startProxy(t, {
    nodes: [node.address],
    files: { 'rules/swap': '$b = http.getResponseBody(); http.setResponseBody( string.uppercase( $b ) . "!" );' },
    vs: { basic: { response_rules: ['swap'] } },
  })
  const c = await RawClient.connect(t, proxy.port)
  for (let i = 0; i < 2; i++) {
    c.write(GET)
    const res = await c.readResponse()
    assert.equal(res.status, 200)
    assert.equal(res.body.toString('latin1'), 'ORIGINAL BODY FROM THE NODE!')
    assert.deepEqual(res.headers.get('content-length'), ['28'])
    assert.equal(res.headers.get('content-type')?.[0], 'text/plain')
  }
  assert.equal(c.ended, false)
  assert.equal(node.requests, 2)
})
