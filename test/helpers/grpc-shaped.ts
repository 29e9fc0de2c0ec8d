/**
 * gRPC as it looks on the wire, without a gRPC library: messages are length-prefixed (one flag
 * byte, four length bytes) in DATA frames, the status comes in trailers (`grpc-status`). A
 * node:http2 server answering `/test.Echo/Unary` (one message back) and `/test.Echo/Stream`
 * (each message back as it arrives), and a client that sends messages and reads the answer.
 * @module
 */
import { createSecureServer, createServer, type ClientHttp2Session, type Http2Server, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2'
import type { TestContext } from 'node:test'
import { onCleanup } from './cleanup.ts'

/** One gRPC message frame. */
export function grpcFrame(message: string): Buffer {
  const body = Buffer.from(message)
  const out = Buffer.alloc(5 + body.length)
  out.writeUInt32BE(body.length, 1)
  body.copy(out, 5)
  return out
}

/** The messages in a gRPC byte stream. */
export function grpcMessages(bytes: Buffer): string[] {
  const out: string[] = []
  let at = 0
  while (at + 5 <= bytes.length) {
    const len = bytes.readUInt32BE(at + 1)
    out.push(bytes.subarray(at + 5, at + 5 + len).toString())
    at += 5 + len
  }
  return out
}

export interface GrpcNode {
  readonly server: Http2Server
  readonly port: number
  readonly address: string
  calls: number
}

/** Starts the echo service on 127.0.0.1, port 0 (over TLS with ALPN h2 when `tls` is given); closed by `t.after`. */
export async function startGrpcNode(t: TestContext, tls: { cert: string; key: string } | null = null): Promise<GrpcNode> {
  const server = tls === null ? createServer() : createSecureServer({ cert: tls.cert, key: tls.key, ALPNProtocols: ['h2'] })
  const node: GrpcNode = { server, port: 0, address: '', calls: 0 }
  server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
    node.calls++
    stream.on('error', () => undefined)
    if (headers['content-type'] !== 'application/grpc' || headers['te'] !== 'trailers') {
      stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '3', 'grpc-message': 'not a gRPC request' }, { endStream: true })
      return
    }
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true })
    stream.on('wantTrailers', () => {
      stream.sendTrailers({ 'grpc-status': '0', 'grpc-message': 'OK' })
    })
    let pending = Buffer.alloc(0)
    const received: string[] = []
    stream.on('data', (c: Buffer) => {
      pending = Buffer.concat([pending, c])
      while (pending.length >= 5 && pending.length >= 5 + pending.readUInt32BE(1)) {
        const len = pending.readUInt32BE(1)
        const message = pending.subarray(5, 5 + len).toString()
        pending = pending.subarray(5 + len)
        received.push(message)
        if (headers[':path'] === '/test.Echo/Stream') stream.write(grpcFrame(`echo ${message}`))
      }
    })
    stream.on('end', () => {
      if (headers[':path'] === '/test.Echo/Unary') stream.write(grpcFrame(`hello ${received.join('+')}`))
      stream.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const a = server.address()
  if (a === null || typeof a === 'string') throw new Error('no TCP address')
  Object.assign(node, { port: a.port, address: `127.0.0.1:${String(a.port)}` })
  onCleanup(t, () => new Promise<void>((resolve) => {
    server.close(() => {
      resolve()
    })
  }))
  return node
}

export interface GrpcAnswer {
  readonly messages: string[]
  /** grpc-status from the trailers, or from the head of a trailers-only response. */
  readonly status: string
  readonly httpStatus: number
  readonly contentType: string
}

/**
 * Calls `path` sending `messages`, each `gapMs` after the previous one (a client stream); the
 * answer when the call ends.
 */
export function grpcCall(session: ClientHttp2Session, path: string, messages: readonly string[], onMessage?: (m: string) => void): Promise<GrpcAnswer> {
  return new Promise((resolve, reject) => {
    const req = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers' })
    const timer = setTimeout(() => {
      req.close()
      reject(new Error('gRPC call timed out'))
    }, 5000)
    let head: IncomingHttpHeaders = {}
    let trailers: IncomingHttpHeaders = {}
    let bytes = Buffer.alloc(0)
    req.on('response', (h: IncomingHttpHeaders) => (head = h))
    req.on('trailers', (h: IncomingHttpHeaders) => (trailers = h))
    req.on('data', (c: Buffer) => {
      const before = grpcMessages(bytes).length
      bytes = Buffer.concat([bytes, c])
      const now = grpcMessages(bytes)
      for (const m of now.slice(before)) onMessage?.(m)
    })
    req.on('error', () => undefined)
    req.on('close', () => {
      clearTimeout(timer)
      resolve({
        messages: grpcMessages(bytes),
        status: String(trailers['grpc-status'] ?? head['grpc-status'] ?? ''),
        httpStatus: Number(head[':status'] ?? 0),
        contentType: head['content-type'] ?? '',
      })
    })
    for (const m of messages) req.write(grpcFrame(m))
    req.end()
  })
}
