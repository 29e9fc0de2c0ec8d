/**
 * One version (generation) of the example's shop: it starts a session with a `SID` cookie when
 * the request has none, and answers which generation served it.
 * @module
 */
import http from 'node:http'

export async function startShop(generation: string, port: number): Promise<http.Server> {
  let sessions = 0
  const server = http.createServer((req, res) => {
    req.resume()
    let sid = /(?:^|;\s*)SID=([^;]+)/.exec(req.headers.cookie ?? '')?.[1]
    if (sid === undefined) {
      sid = `g${generation}-${String(++sessions)}`
      res.setHeader('Set-Cookie', `SID=${sid}; Path=/; HttpOnly`)
    }
    res.setHeader('Content-Type', 'text/plain')
    res.end(`generation ${generation} (session ${sid})\n`)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', resolve)
  })
  return server
}
