// Chunked bodies in both directions (issue #11, item 5): a chunk-size line takes nothing but
// extensions, up to 4 KiB, and trailer fields that must not be trailers are dropped.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startRawNode } from '../helpers/nodes.ts'
import { startProxy } from '../helpers/proxy.ts'
import { RawClient, exchangeUntilClose } from '../helpers/raw-client.ts'
import { sleep, waitFor } from '../helpers/wait.ts'

const CHUNKED_POST = 'POST /u HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n'
const LONG_EXTENSION = `5;a=${'b'.repeat(5000)}\r\nhello\r\n0\r\n\r\n`
/** A complete chunked message ends with the last chunk, any trailer fields and an empty line. */
const BODY_END = /\r\n0\r\n(?:[^\r\n]+\r\n)*\r\n$/

test('a request chunk line over 4 KiB gets 400; the node never gets the whole line', async (t) => {
  const node = await startRawNode(t, (s, got) => {
    if (BODY_END.test(got)) s.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')
  })
  const proxy = await startProxy(t, { nodes: [node.address] })
  const client = await RawClient.connect(t, proxy.port)
  client.write(`${CHUNKED_POST}3\r\nabc\r\n`)
  await waitFor(() => (node.received[0] ?? '').includes('abc'), 'the first chunk at the node')
  client.write(LONG_EXTENSION)
  assert.equal((await client.readResponse()).status, 400)
  await client.waitEnd()
  assert.doesNotMatch(node.received.join(''), /b\r\n|hello/)
})

test('a response chunk line over 4 KiB is never passed on whole: the client connection is cut', async (t) => {
  const node = await startRawNode(t, (s) => {
    s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n')
    setTimeout(() => s.write(LONG_EXTENSION), 50)
  })
  const proxy = await startProxy(t, { nodes: [node.address] })
  const text = await exchangeUntilClose(t, proxy.port, 'GET / HTTP/1.1\r\nHost: h\r\n\r\n')
  assert.match(text, /^HTTP\/1\.1 200 [^]*\r\n\r\n3\r\nabc\r\n/)
  assert.doesNotMatch(text, /b\r\n|hello/)
})

test('request trailers that must not be trailers are dropped before the node', async (t) => {
  const node = await startRawNode(t, (s, got) => {
    if (BODY_END.test(got)) s.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')
  })
  const proxy = await startProxy(t, { nodes: [node.address] })
  const client = await RawClient.connect(t, proxy.port)
  client.write(`${CHUNKED_POST}3\r\nabc\r\n0\r\nX-Checksum: 1\r\nContent-Length: 5\r\n`)
  await sleep(50)
  client.write('Host: evil\r\nX_Cluster_Client_Ip: 6.6.6.6\r\nX-Other: 2\r\n\r\n')
  assert.equal((await client.readResponse()).status, 200)
  const seen = node.received[0] ?? ''
  assert.ok(seen.endsWith('\r\n\r\n3\r\nabc\r\n0\r\nX-Checksum: 1\r\nX-Other: 2\r\n\r\n'), JSON.stringify(seen))
})

test('response trailers that must not be trailers are dropped before the client', async (t) => {
  const node = await startRawNode(t, (s) => {
    s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nSet-Cookie: a=b\r\nX-Checksum: 1\r\n')
    setTimeout(() => s.write('Transfer-Encoding: chunked\r\nX-Other: 2\r\n\r\n'), 50)
  })
  const proxy = await startProxy(t, { nodes: [node.address] })
  const client = await RawClient.connect(t, proxy.port)
  client.write('GET /1 HTTP/1.1\r\nHost: h\r\n\r\n')
  await waitFor(() => client.unread.endsWith('\r\n\r\n') && client.unread.includes('X-Other'), 'the whole response')
  assert.ok(client.unread.endsWith('\r\n\r\n2\r\nok\r\n0\r\nX-Checksum: 1\r\nX-Other: 2\r\n\r\n'), JSON.stringify(client.unread))
  assert.equal((await client.readResponse()).status, 200)
  // The connection is still in step: the next request gets its own answer.
  client.write('GET /2 HTTP/1.1\r\nHost: h\r\n\r\n')
  assert.equal((await client.readResponse()).status, 200)
})
