/**
 * The floor of the benchmark: the least a Node.js proxy can do. Each client connection gets its
 * own connection to one of the nodes (round robin) and bytes are copied both ways as they come,
 * with no HTTP parsing, balancing per request, header work or timers. Whatever a Node proxy
 * does on top of node:net and node:tls costs more than this, so its figures are an upper bound
 * for Sluice (or any other Node proxy) on the same machine.
 *
 *   node bench/floor/relay.ts PORT NODES [CERT KEY]
 *
 * NODES is "host:port,host:port,..."; with CERT and KEY (PEM files) the relay terminates TLS.
 * @module
 */
import { readFileSync } from 'node:fs'
import { connect, createServer as createTcpServer, type Socket } from 'node:net'
import { createServer as createTlsServer } from 'node:tls'

const [portArg = '', nodesArg = '', cert, key] = process.argv.slice(2)
const nodes = nodesArg.split(',').map((n) => {
  const at = n.lastIndexOf(':')
  return { host: n.slice(0, at), port: Number(n.slice(at + 1)) }
})
if (!/^\d+$/.test(portArg) || nodes.length === 0 || nodes.some((n) => !Number.isInteger(n.port))) {
  process.stderr.write('usage: relay.ts PORT host:port[,host:port...] [CERT KEY]\n')
  process.exit(2)
}

let next = 0
function relay(client: Socket): void {
  const target = nodes[next++ % nodes.length] ?? { host: '127.0.0.1', port: 0 }
  const node = connect({ host: target.host, port: target.port, noDelay: true })
  client.on('data', (chunk: Buffer) => {
    if (!node.write(chunk)) client.pause()
  })
  node.on('data', (chunk: Buffer) => {
    if (!client.write(chunk)) node.pause()
  })
  client.on('drain', () => node.resume())
  node.on('drain', () => client.resume())
  client.on('end', () => node.end())
  node.on('end', () => client.end())
  client.on('error', () => node.destroy())
  node.on('error', () => client.destroy())
  client.on('close', () => node.destroy())
  node.on('close', () => client.destroy())
}

const server =
  cert !== undefined && key !== undefined
    ? createTlsServer({ cert: readFileSync(cert), key: readFileSync(key), noDelay: true }, relay)
    : createTcpServer({ noDelay: true }, relay)
server.listen({ host: '127.0.0.1', port: Number(portArg), backlog: 4096 })
process.on('SIGTERM', () => process.exit(0))
process.on('SIGINT', () => process.exit(0))
