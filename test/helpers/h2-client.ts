/**
 * A real HTTP/2 client (node:http2) for tests: one session, closed by `t.after`, and a request
 * that collects the response head, body and trailers within a time limit.
 * @module
 */
import { connect, type ClientHttp2Session, type IncomingHttpHeaders, type OutgoingHttpHeaders, type SecureClientSessionOptions } from 'node:http2'
import type { TestContext } from 'node:test'
import { onCleanup } from './cleanup.ts'

export interface H2Response {
  readonly status: number
  readonly headers: IncomingHttpHeaders
  readonly body: Buffer
  readonly trailers: IncomingHttpHeaders | null
  /** The RST_STREAM code when the stream was reset, else 0. */
  readonly rstCode: number
}

/** Opens a session to `authority` (`http://127.0.0.1:port` for h2c, `https://...` for ALPN h2). */
export async function h2Session(t: TestContext, authority: string, options: SecureClientSessionOptions = {}): Promise<ClientHttp2Session> {
  const session = connect(authority, options)
  session.on('error', () => undefined)
  onCleanup(t, () => {
    session.destroy()
  })
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error('HTTP/2 connect timed out'))
    }, 3000)
    session.once('connect', () => {
      clearTimeout(timer)
      resolve()
    })
    session.once('error', (e: Error) => {
      clearTimeout(timer)
      reject(e)
    })
  })
  return session
}

/** Sends one request (`body` written and ended when given) and collects its response. */
export function h2Request(session: ClientHttp2Session, headers: OutgoingHttpHeaders, body: Buffer | string | null = null, limitMs = 5000): Promise<H2Response> {
  return new Promise((resolve, reject) => {
    const req = session.request(headers, { endStream: body === null })
    const chunks: Buffer[] = []
    let head: IncomingHttpHeaders = {}
    let trailers: IncomingHttpHeaders | null = null
    const timer = setTimeout(() => {
      req.close()
      reject(new Error('HTTP/2 request timed out'))
    }, limitMs)
    req.on('response', (h: IncomingHttpHeaders) => (head = h))
    req.on('trailers', (h: IncomingHttpHeaders) => (trailers = h))
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('error', () => undefined)
    req.on('close', () => {
      clearTimeout(timer)
      resolve({ status: Number(head[':status'] ?? 0), headers: head, body: Buffer.concat(chunks), trailers, rstCode: req.rstCode })
    })
    if (body !== null) req.end(body)
  })
}
