import assert from 'node:assert/strict'
import { test } from 'node:test'
import { giveBodyBuffer, takeBodyBuffer } from './body-buffers.ts'

test('body buffers come in size classes and are reused once given back', () => {
  const a = takeBodyBuffer(20_000)
  assert.equal(a.length, 32 * 1024)
  assert.equal(takeBodyBuffer(1).length, 4096)
  assert.equal(takeBodyBuffer(65_536).length, 65_536)
  giveBodyBuffer(a)
  assert.equal(takeBodyBuffer(17_000), a, 'the same memory, not a new allocation')
  assert.notEqual(takeBodyBuffer(17_000), a, 'taken only once')
  // A buffer that is not one of the classes is never kept.
  giveBodyBuffer(Buffer.alloc(5000))
  assert.equal(takeBodyBuffer(5000).length, 8192)
})

test('at most 64 free buffers per class wait for reuse', () => {
  const taken = Array.from({ length: 70 }, () => takeBodyBuffer(3000))
  for (const b of taken) giveBodyBuffer(b)
  const again = new Set(Array.from({ length: 70 }, () => takeBodyBuffer(3000)))
  assert.equal(taken.filter((b) => again.has(b)).length, 64)
})
