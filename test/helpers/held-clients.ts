/**
 * Clients that send a request and then keep their side of the connection open, never closing
 * it: what a client does that ignores the proxy's end of the connection.
 * @module
 */
import type { Socket } from 'node:net'
import type { TestContext } from 'node:test'
import { onCleanup } from './cleanup.ts'

export interface HeldClient<S extends Socket> {
  readonly socket: S
  /** Everything received, as latin1. */
  received: string
  /** The proxy's FIN arrived. */
  ended: boolean
  closed: boolean
}

/**
 * Opens `n` connections with `open` (half-open sockets), and once each is `ready` ('connect',
 * or 'secureConnect' for TLS) sends `bytes` on it. Destroyed when the test ends.
 */
export async function holdingClients<S extends Socket>(
  t: TestContext,
  n: number,
  open: () => S,
  ready: 'connect' | 'secureConnect',
  bytes: string,
): Promise<HeldClient<S>[]> {
  const clients: HeldClient<S>[] = []
  onCleanup(t, () => {
    for (const c of clients) c.socket.destroy()
  })
  await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<void>((resolve, reject) => {
          const socket = open()
          const c: HeldClient<S> = { socket, received: '', ended: false, closed: false }
          clients.push(c)
          socket.on('data', (b: Buffer) => {
            c.received += b.toString('latin1')
          })
          socket.on('end', () => {
            c.ended = true
          })
          socket.on('close', () => {
            c.closed = true
          })
          socket.once('error', reject)
          socket.once(ready, () => {
            socket.off('error', reject)
            socket.on('error', () => undefined)
            socket.write(bytes)
            resolve()
          })
        }),
    ),
  )
  return clients
}
