/**
 * The quick start's demo nodes: tiny HTTP servers that answer with their own name, so a
 * newcomer sees the balancing with nothing else installed.
 * @module
 */
import { createServer, type Server } from 'node:http'

export interface DemoNode {
  readonly name: string
  readonly port: number
  close(): Promise<void>
}

/** Starts one demo node on 127.0.0.1:`port`, answering `Hello from <name>`. */
export function startDemoNode(name: string, port: number): Promise<DemoNode> {
  const server: Server = createServer((req, res) => {
    req.resume()
    const body = `Hello from ${name} (127.0.0.1:${String(port)}) - you asked for ${req.url ?? '/'}\n`
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Demo-Node': name })
    res.end(body)
  })
  server.keepAliveTimeout = 30_000
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      resolve({
        name,
        port,
        close: () =>
          new Promise((r) => {
            server.closeAllConnections()
            server.close(() => {
              r()
            })
          }),
      })
    })
  })
}
