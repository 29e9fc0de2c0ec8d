// Interim (1xx) responses from nodes (issue #11, item 5): at most ten are relayed before the
// final response, and they lose their hop-by-hop fields on the way.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { replyOnHead, startRawNode } from '../helpers/nodes.ts'
import { startProxy } from '../helpers/proxy.ts'
import { RawClient, exchangeUntilClose } from '../helpers/raw-client.ts'

const EARLY_HINTS = 'HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n'
const FINAL = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'

test('a node that sends too many interim responses gets the client a 502', async (t) => {
  const node = await startRawNode(t, replyOnHead(EARLY_HINTS.repeat(2000) + FINAL))
  const proxy = await startProxy(t, { nodes: [node.address] })
  const text = await exchangeUntilClose(t, proxy.port, 'GET / HTTP/1.1\r\nHost: h\r\n\r\n')
  const hints = text.split('HTTP/1.1 103 ').length - 1
  assert.equal(hints, 10, 'ten interim responses are relayed')
  assert.match(text, /\r\n\r\nHTTP\/1\.1 502 Bad Gateway\r\n[^]*$/)
  assert.doesNotMatch(text, /HTTP\/1\.1 200 /)
})

test('a few interim responses pass on, the final one follows on a connection still in step', async (t) => {
  const node = await startRawNode(t, replyOnHead(EARLY_HINTS.repeat(10) + FINAL))
  const proxy = await startProxy(t, { nodes: [node.address] })
  const client = await RawClient.connect(t, proxy.port)
  for (let round = 0; round < 2; round++) {
    client.write('GET / HTTP/1.1\r\nHost: h\r\n\r\n')
    for (let i = 0; i < 10; i++) assert.equal((await client.readResponse()).status, 103)
    const res = await client.readResponse()
    assert.equal(res.status, 200)
    assert.equal(res.body.toString(), 'ok')
  }
})

test('interim responses lose their hop-by-hop fields', async (t) => {
  const hint = 'HTTP/1.1 103 Early Hints\r\nConnection: X-Hop, keep-alive\r\nX-Hop: 1\r\nKeep-Alive: timeout=5\r\nLink: </a.js>\r\n\r\n'
  const node = await startRawNode(t, replyOnHead(hint + FINAL))
  const proxy = await startProxy(t, { nodes: [node.address] })
  const client = await RawClient.connect(t, proxy.port)
  client.write('GET / HTTP/1.1\r\nHost: h\r\n\r\n')
  const interim = await client.readResponse()
  assert.equal(interim.status, 103)
  assert.deepEqual([...interim.headers.keys()], ['link'])
  assert.equal((await client.readResponse()).status, 200)
})

for (const framing of ['Transfer-Encoding: chunked', 'Content-Length: 5']) {
  test(`interim responses lose framing fields (${framing}) and other hop-by-hop fields: a 1xx has no content`, async (t) => {
    const hint = `HTTP/1.1 103 Early Hints\r\n${framing}\r\nTE: trailers\r\nUpgrade: h2c\r\nProxy-Connection: keep-alive\r\nLink: </a.js>\r\n\r\n`
    const node = await startRawNode(t, replyOnHead(hint + FINAL))
    const proxy = await startProxy(t, { nodes: [node.address] })
    const text = await exchangeUntilClose(t, proxy.port, 'GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n')
    const [interim = ''] = text.split('\r\n\r\n')
    assert.equal(interim, 'HTTP/1.1 103 Early Hints\r\nLink: </a.js>')
    assert.match(text, /\r\n\r\nHTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nok$/)
  })
}
