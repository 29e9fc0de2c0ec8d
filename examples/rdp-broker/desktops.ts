/**
 * Stand-in desktops: each accepts RDP connection requests, answers an X.224 Connection Confirm
 * and then a line naming itself and the user it was asked for, so a demo (or a test) can see
 * where each connection landed. A real desktop would continue with the TLS handshake.
 * @module
 */
import { createServer, type Server, type Socket } from 'node:net'
import { connectionConfirm, userOf } from './rdp-packet.ts'

export interface Desktop {
  readonly name: string
  readonly port: number
  /** `host:port`, as the directory names it. */
  readonly address: string
  /** Users whose connections reached this desktop, in order. */
  readonly users: string[]
  close(): Promise<void>
}

export function startDesktop(name: string, port = 0, host = '127.0.0.1'): Promise<Desktop> {
  const sockets = new Set<Socket>()
  const users: string[] = []
  const server: Server = createServer((s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
    s.on('error', () => undefined)
    let got = Buffer.alloc(0)
    s.on('data', (chunk: Buffer) => {
      got = Buffer.concat([got, chunk])
      const user = userOf(got)
      if (user === null) return
      users.push(user)
      s.write(connectionConfirm())
      s.end(`desktop ${name} for ${user}\r\n`)
    })
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      const a = server.address()
      const bound = typeof a === 'object' && a !== null ? a.port : port
      resolve({
        name,
        port: bound,
        address: `${host}:${String(bound)}`,
        users,
        close: () =>
          new Promise((done) => {
            for (const s of sockets) s.destroy()
            server.close(() => {
              done()
            })
          }),
      })
    })
  })
}
