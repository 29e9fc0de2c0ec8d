import { test } from 'node:test'
import assert from 'node:assert/strict'
import { isHeadError, parseRequestHead, type RequestHead } from './request-head.ts'
import { DEFAULT_HEAD_LIMITS } from '../snapshot/index.ts'
import type { HeadError } from './head-error.ts'

function parse(text: string, limits = DEFAULT_HEAD_LIMITS): RequestHead | HeadError | null {
  const buf = Buffer.from(text, 'latin1')
  return parseRequestHead(buf, 0, buf.length, limits)
}

function ok(text: string): RequestHead {
  const r = parse(text)
  assert.ok(r !== null && !isHeadError(r), `expected a head, got ${JSON.stringify(r)}`)
  return r
}

function refused(text: string, status: number, reason: RegExp): void {
  const r = parse(text)
  assert.ok(r !== null && isHeadError(r), `expected an error for ${JSON.stringify(text)}`)
  assert.equal(r.status, status)
  assert.match(r.reason, reason)
}

test('parses a request line, fields and framing facts', () => {
  const h = ok('POST /a?b=1 HTTP/1.1\r\nHost: example.com\r\nContent-Length: 5\r\nX-A:  spaced  \r\n\r\nhello')
  assert.equal(h.method, 'POST')
  assert.equal(h.target, '/a?b=1')
  assert.equal(h.versionMinor, 1)
  assert.equal(h.host, 'example.com')
  assert.equal(h.contentLength, 5)
  assert.deepEqual(h.headers, ['Host', 'example.com', 'Content-Length', '5', 'X-A', 'spaced'])
  assert.equal(h.headBytes, 'POST /a?b=1 HTTP/1.1\r\nHost: example.com\r\nContent-Length: 5\r\nX-A:  spaced  \r\n\r\n'.length)
})

test('notes chunked, Connection tokens, Upgrade and Expect', () => {
  const h = ok('PUT / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, Chunked\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\nExpect: 100-continue\r\n\r\n')
  assert.equal(h.isChunked, true)
  assert.deepEqual(h.connection, ['keep-alive', 'upgrade'])
  assert.equal(h.upgrade, 'websocket')
  assert.equal(h.expectContinue, true)
})

test('asks for more until the head is complete', () => {
  assert.equal(parse('GET / HTTP/1.1\r\nHost: a\r\n'), null)
  assert.equal(parse('GET / HT'), null)
})

test('HTTP/1.0 may omit Host', () => {
  assert.equal(ok('GET / HTTP/1.0\r\n\r\n').versionMinor, 0)
})

test('refuses smuggling vectors and malformed heads with 400', () => {
  refused('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n', 400, /both/)
  refused('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n', 400, /repeated Content-Length/)
  refused('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\n\r\n', 400, /malformed Content-Length/)
  refused('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +3\r\n\r\n', 400, /malformed Content-Length/)
  refused('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \r\n\r\n', 400, /malformed Content-Length/)
  refused('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999\r\n\r\n', 400, /malformed Content-Length/)
  refused('POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n', 400, /Transfer-Encoding/)
  refused('POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n', 400, /Transfer-Encoding/)
  refused('POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n', 400, /Transfer-Encoding/)
  refused('POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n', 400, /Transfer-Encoding/)
  refused('POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n', 400, /field name/)
  refused('POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n', 400, /HTTP\/1.0/)
  refused('GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n', 400, /folding/)
  refused('GET / HTTP/1.1\r\nHost: a\r\nX-A: b\rc\r\n\r\n', 400, /bare CR/)
  refused('GET / HTTP/1.1\r\nHost: a\r\nX-A: b\nX-B: c\r\n\r\n', 400, /bare CR/)
  refused('GET / HTTP/1.1\nHost: a\r\n\r\n', 400, /start line|bare CR/)
  refused('GET / HTTP/1.1\r\nHost: a\r\nX-A: b\x00c\r\n\r\n', 400, /invalid character/)
  refused('GET / HTTP/1.1\r\nHost: a\r\nX-A: b\x7fc\r\n\r\n', 400, /invalid character/)
  refused('GET / HTTP/1.1\r\nHost: a\r\nX A: b\r\n\r\n', 400, /field name/)
  refused('GET / HTTP/1.1\r\nHost: a\r\n: b\r\n\r\n', 400, /field name/)
  refused('GET / HTTP/1.1\r\n\r\n', 400, /missing Host/)
  refused('GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', 400, /repeated Host/)
  refused('GET /a b HTTP/1.1\r\nHost: a\r\n\r\n', 400, /start line/)
  refused('GET  / HTTP/1.1\r\nHost: a\r\n\r\n', 400, /target/)
  refused('G(T / HTTP/1.1\r\nHost: a\r\n\r\n', 400, /start line|method/)
  refused('GET / HTTP/2.0\r\nHost: a\r\n\r\n', 400, /start line|version/)
  refused('GET / HTTP/1.2\r\nHost: a\r\n\r\n', 400, /version/)
  refused('GET /\x01 HTTP/1.1\r\nHost: a\r\n\r\n', 400, /start line|target/)
})

test('refuses oversized request lines with 414 and oversized heads with 431', () => {
  const limits = { maxRequestLineBytes: 64, maxHeadBytes: 256, maxFields: 4 }
  const longLine = 'GET /' + 'a'.repeat(100) + ' HTTP/1.1\r\nHost: a\r\n\r\n'
  const r1 = parse(longLine, limits)
  assert.ok(r1 !== null && isHeadError(r1) && r1.status === 414)
  const partialLong = 'GET /' + 'a'.repeat(100)
  const r2 = parse(partialLong, limits)
  assert.ok(r2 !== null && isHeadError(r2) && r2.status === 414)
  const bigHead = 'GET / HTTP/1.1\r\nHost: a\r\nX: ' + 'b'.repeat(300) + '\r\n\r\n'
  const r3 = parse(bigHead, limits)
  assert.ok(r3 !== null && isHeadError(r3) && r3.status === 431)
  const many = 'GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n'
  const r4 = parse(many, limits)
  assert.ok(r4 !== null && isHeadError(r4) && r4.status === 431)
})

test('names and the values compared in place match whatever their case, and only exactly', () => {
  const h = ok('POST / HTTP/1.1\r\nhOsT:  a.example \t\r\nCONTENT-length:\t42 \r\nCONNECTION:  Keep-Alive \r\nEXPECT: 100-Continue\r\n\r\n')
  assert.equal(h.host, 'a.example')
  assert.equal(h.contentLength, 42)
  assert.deepEqual(h.connection, ['keep-alive'])
  assert.equal(h.expectContinue, true)
  const near = ok('GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alives\r\nExpect: 100-continues\r\nHosts: b\r\n\r\n')
  assert.deepEqual(near.connection, ['keep-alives'])
  assert.equal(near.expectContinue, false)
  assert.equal(near.hostCount, 1)
  assert.deepEqual(ok('GET / HTTP/1.1\r\nHost: a\r\nConnection: CLOSE\r\n\r\n').connection, ['close'])
  refused('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4 2\r\n\r\n', 400, /malformed Content-Length/)
})

test('leading empty lines are skipped and counted in the head, and in its limits', () => {
  const text = '\r\n\r\nGET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b'
  const h = ok(text)
  assert.equal(h.target, '/a')
  assert.equal(text.slice(h.headBytes), 'GET /b', 'what follows the head starts right after it')
  refused('\r\n'.repeat(20000), 431, /./)
})
