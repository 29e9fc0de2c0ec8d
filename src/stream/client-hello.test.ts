import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Duplex } from 'node:stream'
import { connect } from 'node:tls'
import { HELLO_INCOMPLETE, HELLO_INVALID, readServerName } from './client-hello.ts'

/** The ClientHello node:tls sends, captured from a stream that never answers. */
async function captureHello(servername: string | undefined): Promise<Buffer> {
  const chunks: Buffer[] = []
  let done: () => void = () => undefined
  const written = new Promise<void>((resolve) => {
    done = resolve
  })
  const wire = new Duplex({
    read() {
      // Never answers.
    },
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk)
      done()
      cb()
    },
  })
  const tls = connect({ socket: wire, ...(servername === undefined ? {} : { servername }), rejectUnauthorized: false })
  tls.on('error', () => undefined)
  await written
  tls.destroy()
  return Buffer.concat(chunks)
}

test('reads the SNI name from a real ClientHello', async () => {
  const hello = await captureHello('Www.Example.COM')
  const found = readServerName(hello)
  assert.equal(found.status === 'ok' ? found.name : found.status, 'www.example.com')
})

test('a ClientHello without SNI has an empty name', async () => {
  const hello = await captureHello(undefined)
  const found = readServerName(hello)
  assert.equal(found.status === 'ok' ? found.name : found.status, '')
})

test('every proper prefix is incomplete, never a wrong answer', async () => {
  const hello = await captureHello('a.test')
  for (let n = 0; n < hello.length; n++) assert.equal(readServerName(hello.subarray(0, n)), HELLO_INCOMPLETE, `prefix ${String(n)}`)
})

test('a ClientHello split over two TLS records is reassembled', async () => {
  const hello = await captureHello('split.test')
  const body = hello.subarray(5)
  const cut = 40
  const record = (payload: Buffer) => Buffer.concat([Buffer.from([0x16, 0x03, 0x01, payload.length >> 8, payload.length & 0xff]), payload])
  const twoRecords = Buffer.concat([record(body.subarray(0, cut)), record(body.subarray(cut))])
  const found = readServerName(twoRecords)
  assert.equal(found.status === 'ok' ? found.name : found.status, 'split.test')
})

test('anything that is not a TLS handshake is invalid', async () => {
  assert.equal(readServerName(Buffer.from('GET / HTTP/1.1\r\n')), HELLO_INVALID)
  assert.equal(readServerName(Buffer.from([0x16, 0x02])), HELLO_INVALID)
  assert.equal(readServerName(Buffer.from([0x17, 0x03, 0x03, 0x00, 0x10])), HELLO_INVALID)
  const hello = await captureHello('x.test')
  const corrupt = Buffer.from(hello)
  corrupt[5] = 0x02 // ServerHello, not ClientHello
  assert.equal(readServerName(corrupt), HELLO_INVALID)
})

test('random bytes never throw', () => {
  let seed = 7
  for (let i = 0; i < 2000; i++) {
    const bytes = Buffer.alloc(1 + (i % 300))
    for (let j = 0; j < bytes.length; j++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      bytes[j] = seed & 0xff
    }
    if (i % 2 === 0) {
      bytes[0] = 0x16
      if (bytes.length > 1) bytes[1] = 0x03
    }
    const r = readServerName(bytes)
    assert.ok(['ok', 'incomplete', 'invalid'].includes(r.status))
    if (r.status === 'ok') assert.match(r.name, /^[a-z0-9_.-]*$/)
  }
})
