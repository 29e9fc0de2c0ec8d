/**
 * A tiny DNS node for tests: answers A queries over UDP (and over TCP, length-prefixed) with a
 * fixed address, so the DNS virtual servers can be tested with `dig`.
 * @module
 */
import { createSocket, type Socket as DgramSocket } from 'node:dgram'
import { createServer, type Socket } from 'node:net'
import type { TestContext } from 'node:test'
import { onCleanup } from '../helpers/cleanup.ts'

/** The answer to `query` (RFC 1035 §4.1): its question, one A record `address`, TTL 60. */
export function answerA(query: Buffer, address: string): Buffer | null {
  if (query.length < 12) return null
  let p = 12
  while (p < query.length && query[p] !== 0) p += 1 + (query[p] ?? 0)
  const questionEnd = p + 5
  if (questionEnd > query.length) return null
  const header = Buffer.alloc(12)
  query.copy(header, 0, 0, 2)
  header.writeUInt16BE(0x8180, 2)
  header.writeUInt16BE(1, 4)
  header.writeUInt16BE(1, 6)
  const answer = Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, ...address.split('.').map(Number)])
  return Buffer.concat([header, query.subarray(12, questionEnd), answer])
}

export interface DnsNode {
  readonly address: string
  /** Queries received. */
  queries: number
}

/** A UDP DNS node; `silent` ones never answer (for timeouts). */
export async function startDnsNode(t: TestContext, answer: string, silent = false): Promise<DnsNode> {
  const socket: DgramSocket = createSocket('udp4')
  const node = { address: '', queries: 0 }
  socket.on('message', (msg, from) => {
    node.queries++
    const reply = silent ? null : answerA(msg, answer)
    if (reply !== null) socket.send(reply, from.port, from.address)
  })
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  onCleanup(t, () => new Promise<void>((resolve) => socket.close(() => { resolve(); })))
  node.address = `127.0.0.1:${String(socket.address().port)}`
  return node
}

/** A DNS-over-TCP node (two-byte length prefix per message, RFC 1035 §4.2.2). */
export async function startDnsTcpNode(t: TestContext, answer: string): Promise<DnsNode> {
  const node = { address: '', queries: 0 }
  const sockets = new Set<Socket>()
  const server = createServer((s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
    s.on('error', () => undefined)
    let buffered = Buffer.alloc(0)
    s.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk])
      while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        const query = buffered.subarray(2, 2 + buffered.readUInt16BE(0))
        buffered = buffered.subarray(2 + query.length)
        node.queries++
        const reply = answerA(query, answer)
        if (reply === null) continue
        const length = Buffer.alloc(2)
        length.writeUInt16BE(reply.length)
        s.write(Buffer.concat([length, reply]))
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  onCleanup(t, () => {
    for (const s of sockets) s.destroy()
    return new Promise<void>((resolve) => server.close(() => { resolve(); }))
  })
  const a = server.address()
  if (a === null || typeof a === 'string') throw new Error('no address')
  node.address = `127.0.0.1:${String(a.port)}`
  return node
}
