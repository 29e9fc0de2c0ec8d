// Strict parsing at the edge: malformed requests get 400/414/431, the connection is closed and
// nothing reaches the node; malformed responses from nodes become 502.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { replyOnHead, startHttpNode, startRawNode } from '../helpers/nodes.ts'
import { startProxy } from '../helpers/proxy.ts'
import { RawClient, exchangeUntilClose } from '../helpers/raw-client.ts'
import { sleep } from '../helpers/wait.ts'

const BAD_REQUESTS: readonly (readonly [string, string, number])[] = [
  ['Content-Length and Transfer-Encoding', 'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400],
  ['repeated Content-Length', 'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc', 400],
  ['Content-Length list', 'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 3\r\n\r\nabc', 400],
  ['signed Content-Length', 'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +3\r\n\r\nabc', 400],
  ['hex Content-Length', 'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0x3\r\n\r\nabc', 400],
  ['empty Content-Length', 'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: \r\n\r\n', 400],
  ['Transfer-Encoding gzip only', 'POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n', 400],
  ['chunked not last', 'POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n', 400],
  ['chunked twice', 'POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400],
  ['Transfer-Encoding in HTTP/1.0', 'POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400],
  ['bad chunk size', 'POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n', 400],
  ['chunk longer than its size', 'POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n', 400],
  ['huge chunk size', 'POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n', 400],
  ['negative chunk size', 'POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n', 400],
  ['chunk size followed by garbage', 'POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5 garbage\r\nhello\r\n0\r\n\r\n', 400],
  ['whitespace after a chunk size', 'POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n\r\n', 400],
  ['obsolete line folding', 'GET / HTTP/1.1\r\nHost: h\r\nX-A: one\r\n two\r\n\r\n', 400],
  ['space before colon', 'GET / HTTP/1.1\r\nHost: h\r\nX-A : one\r\n\r\n', 400],
  ['invalid character in a name', 'GET / HTTP/1.1\r\nHost: h\r\nX(A): one\r\n\r\n', 400],
  ['control character in a value', 'GET / HTTP/1.1\r\nHost: h\r\nX-A: o\x01ne\r\n\r\n', 400],
  ['NUL in a value', 'GET / HTTP/1.1\r\nHost: h\r\nX-A: o\x00ne\r\n\r\n', 400],
  ['bare CR in a value', 'GET / HTTP/1.1\r\nHost: h\r\nX-A: o\rne\r\n\r\n', 400],
  ['bare LF line end', 'GET / HTTP/1.1\r\nHost: h\nX-A: one\r\n\r\n', 400],
  ['bare CR in the request line', 'GET /\r HTTP/1.1\r\nHost: h\r\n\r\n', 400],
  ['missing Host in HTTP/1.1', 'GET / HTTP/1.1\r\nX-A: 1\r\n\r\n', 400],
  ['two Host fields', 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', 400],
  ['Host with userinfo, path and query', 'GET / HTTP/1.1\r\nHost: a@b/c?d\r\n\r\n', 400],
  ['Host with a space', 'GET / HTTP/1.1\r\nHost: a b\r\n\r\n', 400],
  ['Host with a path', 'GET / HTTP/1.1\r\nHost: a/b\r\n\r\n', 400],
  ['Host with a backslash', 'GET / HTTP/1.1\r\nHost: a\\b\r\n\r\n', 400],
  ['Host with an unclosed IP literal', 'GET / HTTP/1.1\r\nHost: [::1\r\n\r\n', 400],
  ['Host with an IP literal that is no IP address', 'GET / HTTP/1.1\r\nHost: [zz]\r\n\r\n', 400],
  ['Host with an IPv4 address in brackets', 'GET / HTTP/1.1\r\nHost: [127.0.0.1]:80\r\n\r\n', 400],
  ['Host with a malformed IPv6 literal', 'GET / HTTP/1.1\r\nHost: [1:::2]\r\n\r\n', 400],
  ['an absolute target with an IP literal that is no IP address', 'GET http://[a-b]/ HTTP/1.1\r\nHost: h\r\n\r\n', 400],
  ['Host with a bad port', 'GET / HTTP/1.1\r\nHost: h:80x\r\n\r\n', 400],
  ['Host with a long port', 'GET / HTTP/1.1\r\nHost: h:123456\r\n\r\n', 400],
  ['Host with a bad percent escape', 'GET / HTTP/1.1\r\nHost: a%zzb\r\n\r\n', 400],
  ['Host with a fragment', 'GET / HTTP/1.1\r\nHost: h#x\r\n\r\n', 400],
  ['a target that is neither a path nor absolute', 'GET foo HTTP/1.1\r\nHost: h\r\n\r\n', 400],
  ['an absolute target with userinfo', 'GET http://user@internal.example/ HTTP/1.1\r\nHost: h\r\n\r\n', 400],
  ['an absolute target of another scheme', 'GET ftp://internal.example/ HTTP/1.1\r\nHost: h\r\n\r\n', 400],
  ['an absolute target without a host', 'GET http:///x HTTP/1.1\r\nHost: h\r\n\r\n', 400],
  ['an absolute target with a bad authority', 'GET http://a%zz/ HTTP/1.1\r\nHost: h\r\n\r\n', 400],
  ['an absolute target without Host in HTTP/1.1', 'GET http://internal.example/ HTTP/1.1\r\n\r\n', 400],
  ['HTTP/2.0 version', 'GET / HTTP/2.0\r\nHost: h\r\n\r\n', 400],
  ['space in the target', 'GET /a b HTTP/1.1\r\nHost: h\r\n\r\n', 400],
  ['oversized request line', `GET /${'a'.repeat(9000)} HTTP/1.1\r\nHost: h\r\n\r\n`, 414],
  ['oversized request line without an end', `GET /${'a'.repeat(9000)}`, 414],
  ['oversized headers', `GET / HTTP/1.1\r\nHost: h\r\n${'X-Big: '.concat('b'.repeat(1000), '\r\n').repeat(40)}\r\n`, 431],
  ['too many header fields', `GET / HTTP/1.1\r\nHost: h\r\n${'X-F: 1\r\n'.repeat(150)}\r\n`, 431],
  // Hop-by-hop framing: the field would be removed on the way while the body is framed by it.
  ['Connection naming Content-Length', 'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 35\r\nConnection: Content-Length\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: h\r\n\r\n', 400],
  ['Connection naming Transfer-Encoding', 'POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive, transfer-encoding\r\n\r\n0\r\n\r\n', 400],
  ['Connection naming Host', 'GET / HTTP/1.1\r\nHost: h\r\nConnection: Host\r\n\r\n', 400],
]

test('malformed requests are refused, closed, and never reach the node', async (t) => {
  const node = await startHttpNode(t, 'n')
  const proxy = await startProxy(t, { nodes: [node.address] })
  for (const [what, bytes, status] of BAD_REQUESTS) {
    const text = await exchangeUntilClose(t, proxy.port, bytes)
    assert.match(text, new RegExp(`^HTTP/1\\.1 ${status} `), `${what}: ${JSON.stringify(text.slice(0, 60))}`)
    assert.match(text, /\r\nConnection: close\r\n/, what)
  }
  assert.equal(node.requests, 0, 'no request reached the node')
  assert.equal(node.connections, 0, 'not even a connection was made')
  assert.equal(proxy.active(), 0)
})

test('a bad request after a good one on the same connection still reaches nothing', async (t) => {
  const node = await startHttpNode(t, 'n')
  const proxy = await startProxy(t, { nodes: [node.address] })
  const text = await exchangeUntilClose(
    t,
    proxy.port,
    'GET /1 HTTP/1.1\r\nHost: h\r\n\r\nPOST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
  )
  assert.match(text, /^HTTP\/1\.1 200 [^]*\r\n\r\nnHTTP\/1\.1 400 /)
  assert.equal(node.requests, 1)
})

const BAD_RESPONSES: readonly (readonly [string, string])[] = [
  ['Connection naming Transfer-Encoding', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: Transfer-Encoding\r\n\r\n5\r\nhello\r\n0\r\n\r\n'],
  ['Connection naming Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: content-length\r\n\r\nhello'],
  ['Content-Length and Transfer-Encoding', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
  ['repeated Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok'],
  ['malformed Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: 2x\r\n\r\nok'],
  ['Transfer-Encoding other than a final chunked', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n'],
  ['bad chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\nabc\r\n0\r\n\r\n'],
  ['chunk size followed by garbage', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5 garbage\r\nhello\r\n0\r\n\r\n'],
  ['obsolete line folding', 'HTTP/1.1 200 OK\r\nX-A: one\r\n two\r\nContent-Length: 2\r\n\r\nok'],
  ['invalid character in a name', 'HTTP/1.1 200 OK\r\nX A: one\r\nContent-Length: 2\r\n\r\nok'],
  ['control character in a value', 'HTTP/1.1 200 OK\r\nX-A: o\x7fne\r\nContent-Length: 2\r\n\r\nok'],
  ['bare CR', 'HTTP/1.1 200 OK\r\nX-A: o\rne\r\nContent-Length: 2\r\n\r\nok'],
  ['malformed status line', 'HTTP/1.1 2OO OK\r\nContent-Length: 2\r\n\r\nok'],
  ['not HTTP at all', 'SSH-2.0-OpenSSH\r\n\r\n'],
  ['101 without an upgrade request', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'],
  ['oversized head', `HTTP/1.1 200 OK\r\n${'X-Big: '.concat('b'.repeat(1000), '\r\n').repeat(70)}\r\n`],
]

test('malformed responses from nodes become 502', async (t) => {
  for (const [what, response] of BAD_RESPONSES) {
    const node = await startRawNode(t, replyOnHead(response))
    const proxy = await startProxy(t, { nodes: [node.address] })
    const text = await exchangeUntilClose(t, proxy.port, 'GET / HTTP/1.1\r\nHost: h\r\n\r\n').catch((e: unknown) => {
      throw new Error(`${what}: ${String(e)}`)
    })
    assert.match(text, /^HTTP\/1\.1 502 Bad Gateway\r\n/, `${what}: ${JSON.stringify(text.slice(0, 80))}`)
    assert.doesNotMatch(text, /\r\n\r\n[^]*HTTP\/1\.1/, `${what}: only the error page`)
    assert.equal(node.requests, 1)
    assert.equal(proxy.active(), 0, what)
  }
})

test('empty lines before a request never turn the end of its head into a second request', async (t) => {
  const node = await startRawNode(t, replyOnHead('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'))
  const proxy = await startProxy(t, { nodes: [node.address] })
  const client = await RawClient.connect(t, proxy.port)
  // Without counting the skipped CRLFs, the last 20 bytes of this head were parsed again as a
  // request: "GET /ss HTTP/1.0" and an empty line.
  client.write('\r\n'.repeat(10) + 'GET /a HTTP/1.1\r\nHost: h\r\nX: GET /ss HTTP/1.0\r\n\r\n')
  assert.equal((await client.readResponse(2000)).status, 200)
  await sleep(200)
  const seen = node.received.join('')
  assert.match(seen, /^GET \/a HTTP\/1\.1\r\n/)
  assert.equal(seen.split('\r\n\r\n').length - 1, 1, `one request reached the node: ${JSON.stringify(seen)}`)
})
