import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ChunkedScanner, MAX_CHUNK_LINE_BYTES } from './chunked-scanner.ts'

function scanAll(text: string, step = text.length): { consumed: number; done: boolean; error: string; data: string } {
  const buf = Buffer.from(text, 'latin1')
  const s = new ChunkedScanner()
  let data = ''
  let pos = 0
  while (pos < buf.length && !s.isDone) {
    const end = Math.min(buf.length, pos + step)
    const next = s.scan(buf, pos, end, (b, a, z) => (data += b.toString('latin1', a, z)))
    pos = next
    if (next < end) break
  }
  return { consumed: pos, done: s.isDone, error: s.error, data }
}

test('finds the end of a chunked body, byte by byte and at once', () => {
  const body = '5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nTrailer-A: x\r\n\r\nNEXT'
  for (const step of [1, 2, 7, body.length]) {
    const r = scanAll(body, step)
    assert.equal(r.error, '')
    assert.equal(r.done, true)
    assert.equal(r.consumed, body.length - 4)
    assert.equal(r.data, 'hello world')
  }
})

test('refuses malformed chunked bodies', () => {
  for (const [body, reason] of [
    ['z\r\n', /size/],
    ['\r\n', /size/],
    ['5\r\nhelloX\r\n', /longer/],
    ['5\nhello', /bare CR|size/],
    ['5\r\nhello\r\n0\r\n\r\r', /bare CR/],
    ['fffffffffffffff\r\n', /too large/],
    ['1;a\x00\r\n', /extension/],
    ['5 garbage\r\nhello\r\n0\r\n\r\n', /extension/],
    ['5garbage\r\n', /size/],
    ['5 \r\nhello\r\n', /extension/],
    ['5;\r\n', /extension/],
    ['5;=1\r\n', /extension/],
    ['5;a=\r\n', /extension/],
    ['5;a="x\r\n', /extension/],
    ['5;a=b c\r\n', /extension/],
    ['5;a="x"y\r\n', /extension/],
    [`5;a=${'b'.repeat(MAX_CHUNK_LINE_BYTES)}\r\n`, /too long/],
    ['0\r\nBad Name: x\r\n\r\n', /trailer/],
    ['0\r\nA: x\x01\r\n\r\n', /trailer/],
  ] as const) {
    const r = scanAll(body)
    assert.match(r.error, reason, JSON.stringify(body))
  }
})

test('an incomplete body is neither done nor an error', () => {
  const r = scanAll('5\r\nhel')
  assert.equal(r.done, false)
  assert.equal(r.error, '')
})

test('accepts chunk extensions as RFC 9112 §7.1.1 writes them', () => {
  for (const line of ['5;a', '5;a=b', '5 ; a = b', '5;a="x y;z\\"q"', '5;a=1;b;c="2"', `5;a=${'b'.repeat(MAX_CHUNK_LINE_BYTES - 10)}`]) {
    const r = scanAll(`${line}\r\nhello\r\n0\r\n\r\n`, 3)
    assert.equal(r.error, '', line)
    assert.equal(r.done, true, line)
    assert.equal(r.data, 'hello', line)
  }
})

/** Scans `text` in pieces of `step` bytes; what the scanner lets through, with the trailers it makes. */
function forwarded(text: string, step: number): { out: string; consumed: number } {
  const s = new ChunkedScanner()
  const buf = Buffer.from(text, 'latin1')
  let out = ''
  let pos = 0
  while (pos < buf.length && !s.isDone) {
    const end = Math.min(buf.length, pos + step)
    const next = s.scan(buf, pos, end)
    out += buf.toString('latin1', pos, s.heldFrom === -1 ? next : s.heldFrom)
    pos = next
  }
  assert.equal(s.error, '')
  out += s.trailers?.toString('latin1') ?? ''
  return { out, consumed: pos }
}

test('trailer fields that must not be trailers are dropped; others pass, in any split', () => {
  const body = '3\r\nabc\r\n0\r\nX-Checksum: 1\r\nContent-Length: 5\r\nHOST: evil\r\nx_forwarded_for: 6.6.6.6\r\nX-Other: 2\r\n\r\nNEXT'
  for (const step of [1, 4, 17, body.length]) {
    const r = forwarded(body, step)
    assert.equal(r.out, '3\r\nabc\r\n0\r\nX-Checksum: 1\r\nX-Other: 2\r\n\r\n', `step ${String(step)}`)
    assert.equal(r.consumed, body.length - 4)
  }
  assert.equal(forwarded('0\r\n\r\n', 1).out, '0\r\n\r\n', 'no trailers: nothing held')
  assert.equal(forwarded('0\r\nTransfer-Encoding: chunked\r\n\r\n', 5).out, '0\r\n\r\n', 'every field dropped')
})
