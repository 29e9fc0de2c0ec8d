/**
 * Small TLS client helpers for tests: handshake, then one HTTP/1.1 request or a raw exchange.
 * @module
 */
import type { TestContext } from 'node:test'
import { connect, type ConnectionOptions, type TLSSocket } from 'node:tls'
import { onCleanup } from '../helpers/cleanup.ts'

/** Connects and completes the handshake; rejects on any TLS error or after `limitMs`. */
export function tlsConnect(t: TestContext, port: number, options: ConnectionOptions = {}, limitMs = 3000): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...options })
    onCleanup(t, () => socket.destroy())
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error('handshake timed out'))
    }, limitMs)
    socket.once('secureConnect', () => {
      clearTimeout(timer)
      resolve(socket)
    })
    socket.once('error', (e: Error) => {
      clearTimeout(timer)
      reject(e)
    })
    socket.once('close', () => {
      clearTimeout(timer)
      reject(new Error('closed during the handshake'))
    })
  })
}

/** Everything the peer sends until it closes (or `limitMs`), as latin1 text. */
export function readAll(socket: TLSSocket, limitMs = 3000): Promise<string> {
  return new Promise((resolve) => {
    let got = ''
    const timer = setTimeout(() => {
      socket.destroy()
      resolve(got)
    }, limitMs)
    socket.on('data', (c: Buffer) => {
      got += c.toString('latin1')
    })
    socket.on('error', () => undefined)
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(got)
    })
  })
}

/** One `GET /` with `Connection: close` over a TLS connection; the whole response text. */
export async function httpsGet(t: TestContext, port: number, options: ConnectionOptions = {}): Promise<{ cn: string; response: string }> {
  const socket = await tlsConnect(t, port, options)
  const cn = peerCn(socket)
  socket.write('GET / HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n')
  return { cn, response: await readAll(socket) }
}

/** The server certificate's CN as the client saw it (while the socket is open). */
export function peerCn(socket: TLSSocket): string {
  const peer = socket.getPeerCertificate() as ReturnType<TLSSocket['getPeerCertificate']> | null
  const cn = peer?.subject.CN
  return typeof cn === 'string' ? cn : ''
}

/** The first session a connection offers for resumption (TLS 1.3 tickets come after a request). */
export function firstSession(t: TestContext, port: number, options: ConnectionOptions, limitMs = 3000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...options })
    onCleanup(t, () => socket.destroy())
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error('no session offered'))
    }, limitMs)
    socket.once('session', (session: Buffer) => {
      clearTimeout(timer)
      socket.destroy()
      resolve(session)
    })
    socket.on('error', (e: Error) => {
      clearTimeout(timer)
      reject(e)
    })
    socket.once('secureConnect', () => {
      socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    })
  })
}
