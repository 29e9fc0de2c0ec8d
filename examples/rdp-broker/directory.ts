/**
 * A tiny directory service: `GET /desktop?user=NAME` answers the `host:port` of that user's
 * desktop (200), or 404 for a user it does not know.
 * @module
 */
import { createServer, type Server } from 'node:http'

export interface Directory {
  readonly port: number
  /** Lookups answered, for tests and the demo's summary. */
  lookups: number
  close(): Promise<void>
}

export function startDirectory(desktops: ReadonlyMap<string, string>, port = 0, host = '127.0.0.1'): Promise<Directory> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://directory')
    const desktop = url.pathname === '/desktop' ? desktops.get(url.searchParams.get('user') ?? '') : undefined
    directory.lookups++
    res.writeHead(desktop === undefined ? 404 : 200, { 'content-type': 'text/plain' })
    res.end(desktop === undefined ? 'unknown user\n' : `${desktop}\n`)
  })
  const directory: Directory = {
    port: 0,
    lookups: 0,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => {
          resolve()
        })
      }),
  }
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      const a = server.address()
      Object.assign(directory, { port: typeof a === 'object' && a !== null ? a.port : port })
      resolve(directory)
    })
  })
}
