/**
 * The floor of the TLS handshake case: a node:tls server that answers every request itself
 * (a fixed 100-byte body) and closes, with no node behind it. A Node proxy terminating TLS does
 * all of this and more per new connection, so its handshake rate cannot exceed this one's.
 *
 *   node bench/floor/tls-answer.ts PORT CERT KEY
 * @module
 */
import { readFileSync } from 'node:fs'
import { createServer } from 'node:tls'

const [portArg = '', cert = '', key = ''] = process.argv.slice(2)
if (!/^\d+$/.test(portArg) || cert === '' || key === '') {
  process.stderr.write('usage: tls-answer.ts PORT CERT KEY\n')
  process.exit(2)
}
const body = 'floor '.padEnd(100, 'b')
const response = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${String(body.length)}\r\nConnection: close\r\n\r\n${body}`, 'latin1')

const server = createServer({ cert: readFileSync(cert), key: readFileSync(key), noDelay: true }, (socket) => {
  socket.on('error', () => undefined)
  let head = ''
  socket.on('data', (chunk: Buffer) => {
    head += chunk.toString('latin1')
    if (head.includes('\r\n\r\n')) socket.end(response)
  })
})
server.listen({ host: '127.0.0.1', port: Number(portArg), backlog: 4096 })
process.on('SIGTERM', () => process.exit(0))
process.on('SIGINT', () => process.exit(0))
