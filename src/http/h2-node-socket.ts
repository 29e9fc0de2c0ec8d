/**
 * HTTP/2 to a node, behind the socket interface a NodeConnection uses. The node leg writes an
 * HTTP/1.1 request (head, then a body framed by length or chunked) and reads an HTTP/1.1
 * response; this duplex turns each request into a stream of a shared HTTP/2 session to the node
 * and each response into a chunked HTTP/1.1 response whose trailer section carries the node's
 * trailers. So the exchange, its retries, keep-alive and the response relay serve HTTP/2 nodes
 * unchanged, and gRPC's trailers survive the trip in both directions.
 * @module
 */
import { STATUS_CODES } from 'node:http'
import { connect, type ClientHttp2Session, type ClientHttp2Stream, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http2'
import { Duplex } from 'node:stream'
import { nodeTlsOptions, type NodeTlsSettings } from '../tls/index.ts'
import { ChunkedScanner } from './chunked-scanner.ts'
import { isHeadError, parseRequestHead, type RequestHead } from './request-head.ts'
import { isHopByHop } from './outgoing-head.ts'

/** Request heads come from Sluice itself (already checked): generous limits. */
const OWN_HEAD_LIMITS = { maxRequestLineBytes: 65536, maxHeadBytes: 1048576, maxFields: 1000 }
const LAST_CHUNK = Buffer.from('0\r\n', 'latin1')
const CRLF = Buffer.from('\r\n', 'latin1')

/** Sessions to nodes, shared by every connection to the same node and transport. */
const sessions = new Map<string, ClientHttp2Session>()

function sessionFor(host: string, port: number, tls: NodeTlsSettings | null): ClientHttp2Session {
  const key = `${tls === null ? 'h2c' : 'h2'}://${host}:${String(port)}`
  const existing = sessions.get(key)
  if (existing !== undefined && !existing.closed && !existing.destroyed) return existing
  const authority = `${tls === null ? 'http' : 'https'}://${host}:${String(port)}`
  const session = tls === null ? connect(authority) : connect(authority, { ...nodeTlsOptions(tls, host), ALPNProtocols: ['h2'] })
  session.on('error', () => undefined)
  session.on('close', () => {
    if (sessions.get(key) === session) sessions.delete(key)
  })
  // A session to a node is no reason to keep the process alive.
  session.unref()
  sessions.set(key, session)
  return session
}

/** Where the request written to the socket is. */
const HEAD = 0
const BODY_LENGTH = 1
const BODY_CHUNKED = 2

export class Http2NodeSocket extends Duplex {
  readonly #session: ClientHttp2Session
  readonly #scheme: 'http' | 'https'
  #stream: ClientHttp2Stream | null = null
  #state = HEAD
  #head: Buffer | null = null
  #remaining = 0
  readonly #scanner = new ChunkedScanner()
  readonly #sendChunkData = (buf: Buffer, start: number, end: number): void => {
    if (end > start) this.#stream?.write(Buffer.from(buf.subarray(start, end)))
  }

  constructor(host: string, port: number, tls: NodeTlsSettings | null) {
    super({ allowHalfOpen: true })
    this.#scheme = tls === null ? 'http' : 'https'
    const session = sessionFor(host, port, tls)
    this.#session = session
    const onGone = (): void => {
      this.destroy()
    }
    session.once('close', onGone)
    this.once('close', () => session.off('close', onGone))
    if (session.connecting) session.once('connect', () => this.emit('connect'))
    else queueMicrotask(() => this.emit('connect'))
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    let at = 0
    while (at < chunk.length && !this.destroyed) {
      if (this.#state === HEAD) {
        const buf = this.#head === null ? chunk.subarray(at) : Buffer.concat([this.#head, chunk.subarray(at)])
        const head = parseRequestHead(buf, 0, buf.length, OWN_HEAD_LIMITS)
        if (head === null) {
          this.#head = Buffer.from(buf)
          break
        }
        if (isHeadError(head)) {
          done(new Error(head.reason))
          return
        }
        at = chunk.length - (buf.length - head.headBytes)
        this.#head = null
        this.#startStream(head)
        continue
      }
      if (this.#state === BODY_LENGTH) {
        const take = Math.min(this.#remaining, chunk.length - at)
        this.#stream?.write(Buffer.from(chunk.subarray(at, at + take)))
        at += take
        this.#remaining -= take
        if (this.#remaining === 0) this.#endRequest()
        continue
      }
      const used = this.#scanner.scan(chunk, at, chunk.length, this.#sendChunkData)
      if (this.#scanner.error !== '') {
        done(new Error(this.#scanner.error))
        return
      }
      at = used
      if (this.#scanner.isDone) this.#endRequest()
    }
    const stream = this.#stream
    // Backpressure: the next write waits until the node's stream window takes this one.
    if (stream !== null && stream.writableNeedDrain) {
      stream.once('drain', () => {
        done()
      })
    } else done()
  }

  #startStream(head: RequestHead): void {
    const headers: OutgoingHttpHeaders = { ':method': head.method, ':path': head.target, ':scheme': this.#scheme, ':authority': head.host }
    const h = head.headers
    let grpc = false
    for (let i = 0; i < h.length; i += 2) {
      const name = (h[i] ?? '').toLowerCase()
      if (isHopByHop(name) || name === 'host' || name === 'transfer-encoding' || name === 'upgrade') continue
      const value = h[i + 1] ?? ''
      if (name === 'content-type' && value.startsWith('application/grpc')) grpc = true
      const before = headers[name]
      headers[name] = before === undefined ? value : [...(Array.isArray(before) ? before : [String(before)]), value]
    }
    // gRPC servers require it; HTTP/1.1 hops drop TE as hop-by-hop.
    if (grpc) headers['te'] = 'trailers'
    const hasBody = head.isChunked || head.contentLength > 0
    const stream = this.#session.request(headers, { endStream: !hasBody })
    this.#stream = stream
    this.#relayResponse(stream, head.method === 'HEAD')
    if (head.isChunked) {
      this.#scanner.reset()
      this.#state = BODY_CHUNKED
    } else if (head.contentLength > 0) {
      this.#remaining = head.contentLength
      this.#state = BODY_LENGTH
    }
  }

  #endRequest(): void {
    this.#state = HEAD
    if (this.#stream !== null && !this.#stream.writableEnded) this.#stream.end()
  }

  /** Pushes the node's response to the reader as a chunked HTTP/1.1 response. */
  #relayResponse(stream: ClientHttp2Stream, isHead: boolean): void {
    let bodyless = isHead
    let trailers: IncomingHttpHeaders | null = null
    stream.on('response', (headers: IncomingHttpHeaders) => {
      const status = Number(headers[':status'] ?? 502)
      bodyless ||= status === 204 || status === 304
      let out = `HTTP/1.1 ${String(status)} ${STATUS_CODES[status] ?? 'Unknown'}\r\n`
      for (const name in headers) {
        if (name.charCodeAt(0) === 0x3a || (!bodyless && name === 'content-length')) continue
        const value = headers[name]
        if (value === undefined) continue
        for (const v of Array.isArray(value) ? value : [value]) out += `${name}: ${v}\r\n`
      }
      if (!bodyless) out += 'transfer-encoding: chunked\r\n'
      this.#push(Buffer.from(out + '\r\n', 'latin1'))
    })
    stream.on('data', (data: Buffer) => {
      if (bodyless || data.length === 0) return
      this.#push(Buffer.concat([Buffer.from(data.length.toString(16) + '\r\n', 'latin1'), data, CRLF]))
    })
    stream.on('trailers', (t: IncomingHttpHeaders) => {
      trailers = t
    })
    stream.on('end', () => {
      if (bodyless) return
      let section = ''
      if (trailers !== null) {
        for (const name in trailers) {
          const value = trailers[name]
          if (value !== undefined && name.charCodeAt(0) !== 0x3a) section += `${name}: ${Array.isArray(value) ? value.join(', ') : value}\r\n`
        }
      }
      this.#push(Buffer.concat([LAST_CHUNK, Buffer.from(section, 'latin1'), CRLF]))
    })
    stream.on('error', () => undefined)
    stream.on('close', () => {
      if (this.#stream === stream) this.#stream = null
      // A stream reset before its response ended leaves the HTTP/1.1 side nothing to finish.
      if (stream.rstCode !== 0 && !stream.readableEnded) this.destroy()
    })
  }

  #push(data: Buffer): void {
    if (!this.push(data)) this.#stream?.pause()
  }

  override _read(): void {
    this.#stream?.resume()
  }

  override _final(done: (error?: Error | null) => void): void {
    done()
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    const stream = this.#stream
    this.#stream = null
    if (stream !== null && !stream.closed) stream.close()
    done(error)
  }
}
