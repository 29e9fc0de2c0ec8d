/**
 * The floor of the HTTP/2 cases: a node:http2 server over TLS that answers every stream itself
 * (a fixed 100-byte body), with no node behind it. A Node proxy speaking HTTP/2 to its clients
 * through node:http2 does all of this and more per stream, so its rate cannot exceed this one's.
 *
 *   node bench/floor/h2-answer.ts PORT CERT KEY
 * @module
 */
import { readFileSync } from 'node:fs'
import { createSecureServer } from 'node:http2'

const [portArg = '', cert = '', key = ''] = process.argv.slice(2)
if (!/^\d+$/.test(portArg) || cert === '' || key === '') {
  process.stderr.write('usage: h2-answer.ts PORT CERT KEY\n')
  process.exit(2)
}
const body = Buffer.from('floor '.padEnd(100, 'b'), 'latin1')
const head = { ':status': 200, 'content-type': 'text/plain', 'content-length': String(body.length) }

// HTTP/2 only (curl's readiness check negotiates h2 too): streams are answered directly, without
// the compatibility layer's request and response objects.
const server = createSecureServer({ cert: readFileSync(cert), key: readFileSync(key) })
server.on('stream', (stream) => {
  stream.respond(head)
  stream.end(body)
})
server.listen({ host: '127.0.0.1', port: Number(portArg), backlog: 4096 })
process.on('SIGTERM', () => process.exit(0))
process.on('SIGINT', () => process.exit(0))
