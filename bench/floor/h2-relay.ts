/**
 * The floor of the HTTP/2 proxy cases: a node:http2 server over TLS that sends every stream to a
 * node as a fixed HTTP/1.1 GET on a kept-alive connection (round robin, a pool per node) and
 * answers the stream with the node's status and body, reading only the length from the node's
 * head. No request head is built or checked, no response field is copied, no balancing state,
 * timer, log or statistic: any Node proxy turning HTTP/2 streams into HTTP/1.1 requests does
 * all of this and more per stream, so its rate cannot exceed this one's.
 *   node bench/floor/h2-relay.ts PORT NODES CERT KEY
 * @module
 */
import { readFileSync } from 'node:fs'
import { createSecureServer, type ServerHttp2Stream } from 'node:http2'
import net from 'node:net'

const [portArg = '', nodesArg = '', cert = '', key = ''] = process.argv.slice(2)
if (!/^\d+$/.test(portArg) || nodesArg === '' || cert === '' || key === '') {
  process.stderr.write('usage: h2-relay.ts PORT NODES CERT KEY\n')
  process.exit(2)
}
const nodes = nodesArg.split(',').map((n) => {
  const [host = '127.0.0.1', port = '80'] = n.split(':')
  return { host, port: Number(port), idle: [] as Leg[] }
})
const REQUEST = Buffer.from('GET / HTTP/1.1\r\nHost: node\r\n\r\n', 'latin1')
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1')

/** One kept-alive node connection, carrying one stream at a time. */
interface Leg {
  socket: net.Socket
  stream: ServerHttp2Stream | null
  buf: Buffer
  home: (typeof nodes)[number]
}

function answer(leg: Leg): void {
  const end = leg.buf.indexOf(HEAD_END)
  if (end < 0) return
  const head = leg.buf.toString('latin1', 0, end)
  const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? '0')
  if (leg.buf.length < end + 4 + length) return
  const stream = leg.stream
  leg.stream = null
  const body = leg.buf.subarray(end + 4, end + 4 + length)
  leg.buf = Buffer.alloc(0)
  leg.home.idle.push(leg)
  if (stream === null || stream.destroyed) return
  stream.respond({ ':status': Number(head.slice(9, 12)), 'content-type': 'text/plain', 'content-length': String(length) })
  stream.end(Buffer.from(body))
}

let turn = 0
const server = createSecureServer({ cert: readFileSync(cert), key: readFileSync(key) })
server.on('stream', (stream) => {
  const home = nodes[turn++ % nodes.length] ?? nodes[0]
  if (home === undefined) return
  let leg = home.idle.pop()
  if (leg === undefined) {
    const socket = net.connect(home.port, home.host)
    socket.setNoDelay(true)
    const made: Leg = { socket, stream: null, buf: Buffer.alloc(0), home }
    socket.on('data', (d: Buffer) => {
      made.buf = made.buf.length === 0 ? d : Buffer.concat([made.buf, d])
      answer(made)
    })
    socket.on('error', () => {
      made.stream?.close()
    })
    leg = made
  }
  leg.stream = stream
  leg.socket.write(REQUEST)
})
server.listen({ host: '127.0.0.1', port: Number(portArg), backlog: 4096 })
process.on('SIGTERM', () => process.exit(0))
process.on('SIGINT', () => process.exit(0))
