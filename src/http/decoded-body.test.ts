import assert from 'node:assert/strict'
import { test } from 'node:test'
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync, zstdCompressSync } from 'node:zlib'
import { MAX_DECODED_BODY_BYTES, decodedBody } from './decoded-body.ts'

const TEXT = Buffer.from('a body the node compressed itself\n'.repeat(50))

test('rules read a body decoded from each coding the node may apply', () => {
  const cases: [string, Buffer][] = [
    ['gzip', gzipSync(TEXT)], ['x-gzip', gzipSync(TEXT)], ['deflate', deflateSync(TEXT)], ['Deflate', deflateRawSync(TEXT)],
    ['br', brotliCompressSync(TEXT)], ['zstd', zstdCompressSync(TEXT)],
  ]
  for (const [coding, body] of cases) assert.deepEqual(decodedBody(body, ['Content-Encoding', coding]), TEXT, coding)
  assert.deepEqual(decodedBody(TEXT, ['Content-Type', 'text/plain']), TEXT)
  assert.deepEqual(decodedBody(TEXT, ['Content-Encoding', 'identity']), TEXT)
})

test('a body that does not decode, or would decode past the limit, is given as received', () => {
  const garbage = Buffer.from('not gzip at all')
  assert.deepEqual(decodedBody(garbage, ['content-encoding', 'gzip']), garbage)
  const unknown = Buffer.from('compressed somehow')
  assert.deepEqual(decodedBody(unknown, ['content-encoding', 'compress']), unknown)
  const bomb = gzipSync(Buffer.alloc(MAX_DECODED_BODY_BYTES + 1), { level: 9 })
  assert.ok(bomb.length < 100_000)
  assert.deepEqual(decodedBody(bomb, ['content-encoding', 'gzip']), bomb)
  const atLimit = gzipSync(Buffer.alloc(MAX_DECODED_BODY_BYTES), { level: 9 })
  assert.equal(decodedBody(atLimit, ['content-encoding', 'gzip']).length, MAX_DECODED_BODY_BYTES)
})
