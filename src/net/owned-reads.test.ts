import assert from 'node:assert/strict'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { test } from 'node:test'
import { FIRST_READ_BYTES } from './read-buffer.ts'
import { OwnedReads, adoptWithOwnedReads } from './owned-reads.ts'

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const a = server.address()
      resolve(typeof a === 'object' && a !== null ? a.port : 0)
    })
  })
}

test('an accepted socket moves to one that reads into the owner\'s buffer, on this Node', async () => {
  const reads = new OwnedReads()
  const seen: { text: string; buffer: ArrayBufferLike }[] = []
  let adopted: Socket | null = null
  const server = createServer({ allowHalfOpen: true }, (accepted) => {
    adopted = adoptWithOwnedReads(accepted, reads)
    // If this fails, Node's internals changed and plain HTTP reads fell back to the stream.
    assert.ok(adopted !== null, 'the socket was adopted')
    const socket = adopted
    reads.sink = (chunk) => {
      seen.push({ text: chunk.toString('latin1'), buffer: chunk.buffer })
      socket.write(chunk.toString('latin1').toUpperCase())
    }
    socket.on('end', () => socket.end('bye'))
  })
  const port = await listen(server)
  const client = connect({ host: '127.0.0.1', port, allowHalfOpen: true })
  let answer = ''
  client.on('data', (c: Buffer) => (answer += c.toString('latin1')))
  client.write('hello')
  await new Promise((r) => setTimeout(r, 50))
  client.write('again')
  await new Promise((r) => setTimeout(r, 50))
  client.end()
  await new Promise((r) => client.once('close', r))
  assert.equal(answer, 'HELLOAGAINbye', 'reads, writes and a half-close all work')
  assert.deepEqual(
    seen.map((s) => s.text),
    ['hello', 'again'],
  )
  // Unpinned, the second read went into the same buffer as the first.
  assert.equal(seen[0]?.buffer, seen[1]?.buffer)
  assert.equal(seen[0]?.buffer.byteLength, FIRST_READ_BYTES)
  // The server no longer counts the moved socket, so closing it does not wait for it.
  await new Promise<void>((resolve) => server.close(() => { resolve(); }))
})

test('a socket that has already read is left as it is', async () => {
  const server = createServer((accepted) => {
    accepted.once('data', () => {
      assert.equal(adoptWithOwnedReads(accepted, new OwnedReads()), null)
      accepted.end('kept')
    })
  })
  const port = await listen(server)
  const client = connect({ host: '127.0.0.1', port })
  let answer = ''
  client.on('data', (c: Buffer) => (answer += c.toString('latin1')))
  client.write('x')
  await new Promise((r) => client.once('close', r))
  assert.equal(answer, 'kept')
  await new Promise<void>((resolve) => server.close(() => { resolve(); }))
})
