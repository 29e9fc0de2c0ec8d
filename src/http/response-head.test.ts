import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseResponseHead } from './response-head.ts'
import { isHeadError } from './request-head.ts'

function parse(text: string): ReturnType<typeof parseResponseHead> {
  const buf = Buffer.from(text, 'latin1')
  return parseResponseHead(buf, 0, buf.length)
}

test('parses status, reason and fields', () => {
  const h = parse('HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nabc')
  assert.ok(h !== null && !isHeadError(h))
  assert.equal(h.status, 404)
  assert.equal(h.reason, 'Not Found')
  assert.equal(h.contentLength, 3)
})

test('accepts a status line without a reason phrase', () => {
  const h = parse('HTTP/1.1 204\r\n\r\n')
  assert.ok(h !== null && !isHeadError(h))
  assert.equal(h.status, 204)
})

test('refuses ambiguous or malformed responses', () => {
  for (const text of [
    'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n',
    'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n',
    'HTTP/1.1 2x0 OK\r\n\r\n',
    'HTTP/2.0 200 OK\r\n\r\n',
    'HTTP/1.1 200 OK\r\nA: b\r\n c\r\n\r\n',
    'HTTP/1.1 200 O\rK\r\n\r\n',
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n',
    'HTTP/1.1 099 OK\r\n\r\n',
    'SSH-2.0-OpenSSH\r\n\r\n',
  ]) {
    const r = parse(text)
    assert.ok(r !== null && isHeadError(r), JSON.stringify(text))
  }
})

test('the header list is built from the head when read, trimmed, and keeps later edits', () => {
  const h = parse('HTTP/1.1 200 OK\r\nServer:  n \r\nX-A:\t1\r\nContent-Length: 0\r\nx-empty:\r\n\r\n')
  assert.ok(h !== null && !isHeadError(h))
  assert.equal(h.contentLength, 0)
  assert.deepEqual(h.headers, ['Server', 'n', 'X-A', '1', 'Content-Length', '0', 'x-empty', ''])
  h.headers.push('X-New', 'v')
  h.headers.splice(0, 2)
  assert.deepEqual(h.headers, ['X-A', '1', 'Content-Length', '0', 'x-empty', '', 'X-New', 'v'])
})

test('framing fields are found whatever their case; other fields are not looked at', () => {
  const h = parse('HTTP/1.1 200 OK\r\nTRANSFER-ENCODING: chunked\r\nCONNECTION: Keep-Alive, X-Hop\r\nTe: trailers\r\n\r\n')
  assert.ok(h !== null && !isHeadError(h))
  assert.equal(h.isChunked, true)
  assert.deepEqual(h.connection, ['keep-alive', 'x-hop'])
  assert.equal(h.needsRewrite, true)
  const many = parse('HTTP/1.1 200 OK\r\n' + 'A: 1\r\n'.repeat(201) + '\r\n')
  assert.ok(many !== null && isHeadError(many), 'more than 200 fields')
})
