import assert from 'node:assert/strict'
import { test } from 'node:test'
import { FIRST_READ_BYTES, LARGE_READ_BYTES, ReadBuffer } from './read-buffer.ts'

/** What a socket does: read `bytes` into the room next() gave, then hand out the view. */
function read(reads: ReadBuffer, room: Buffer, text: string): Buffer {
  room.write(text, 'latin1')
  return reads.view(text.length)
}

test('an unpinned read buffer is read into again, from the same place', () => {
  const reads = new ReadBuffer()
  const room = reads.next()
  assert.equal(room.length, FIRST_READ_BYTES)
  read(reads, room, 'GET / HTTP/1.1\r\n\r\n')
  assert.equal(reads.next(), room)
})

test('after a pin the next read goes after the kept bytes, which stay as they were', () => {
  const reads = new ReadBuffer()
  const kept = read(reads, reads.next(), 'kept bytes')
  reads.pin()
  const room = reads.next()
  assert.equal(room.buffer, kept.buffer, 'the rest of the same memory')
  read(reads, room, 'XXXXXXXXXXXXXXXXXXXX')
  assert.equal(kept.toString('latin1'), 'kept bytes')
})

test('pinned one-byte reads share memory: a trickle cannot hold a buffer per byte', () => {
  const reads = new ReadBuffer()
  const memories = new Set<ArrayBufferLike>()
  for (let i = 0; i < 10000; i++) {
    const view = read(reads, reads.next(), 'x')
    memories.add(view.buffer)
    reads.pin()
  }
  // At least three quarters of each buffer is used before the next one is made.
  assert.ok(memories.size <= Math.ceil(10000 / (FIRST_READ_BYTES * 0.75)) + 1, `${String(memories.size)} buffers for 10000 bytes`)
})

test('a pinned read that filled its room is followed by a large buffer', () => {
  const reads = new ReadBuffer()
  const room = reads.next()
  read(reads, room, 'b'.repeat(room.length))
  reads.pin()
  const next = reads.next()
  assert.equal(next.length, LARGE_READ_BYTES)
  assert.notEqual(next.buffer, room.buffer)
})

test('an unpinned read that filled its room is followed by a large buffer too', () => {
  const reads = new ReadBuffer()
  const room = reads.next()
  read(reads, room, 'b'.repeat(room.length))
  assert.equal(reads.next().length, LARGE_READ_BYTES)
})
