import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ChunkedScanner } from './chunked-scanner.ts'

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
