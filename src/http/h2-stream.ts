/**
 * One HTTP/2 request stream as the exchange's Downstream. The request head reaches the exchange
 * as HTTP/1.1 head bytes (h2-heads.ts) and its body as pending bytes (chunked when the client
 * gave no length), so phases, the dialer and the node leg work as for HTTP/1.1. The response goes
 * out as the stream's HEADERS and DATA frames: a chunked node body is de-chunked and its trailer
 * section becomes trailing HEADERS. Flow control is node:http2's: a full stream makes writeBody
 * return false and the node waits for 'drain'; a full request buffer pauses the stream, which
 * stops its WINDOW_UPDATEs.
 * @module
 */
import { constants, type OutgoingHttpHeaders, type ServerHttp2Stream } from 'node:http2'
import type { HttpService } from '../snapshot/index.ts'
import { ChunkedScanner } from './chunked-scanner.ts'
import type { BodyPusher, Downstream } from './downstream.ts'
import type { Exchange } from './exchange.ts'
import { grpcFailure, headerList, type RawHeaderList, responseHeaderList, splitMadeResponse, trailerList } from './h2-heads.ts'
import { CLIENT_KEEP } from './outgoing-head.ts'
import type { ResponseHead } from './response-head.ts'
import { reframe } from './rule-session.ts'
import type { RuleConnectionInfo } from './rule-view.ts'

/** What the streams of one connection share. */
export interface Http2ConnectionFacts {
  readonly clientIp: string
  readonly tlsFields: readonly string[]
  readonly tlsSession: string | null
  ruleConnection(svc: HttpService): RuleConnectionInfo
  /** Streams started on the connection so far. */
  readonly streamCount: number
}

const LAST_CHUNK = Buffer.from('0\r\n\r\n', 'latin1')
const NO_BYTES = Buffer.alloc(0)

export class Http2StreamDownstream implements Downstream {
  #stream: ServerHttp2Stream
  readonly #conn: Http2ConnectionFacts
  /** Set right after construction (the exchange needs this downstream first). */
  exchange: Exchange | null = null
  requestCount: number
  /** The request body goes to the node with chunked framing (the client gave no length). */
  #chunkedIn: boolean
  #pending: Buffer | null = null
  #waiters: (() => void)[] = []
  clientEnded = false
  #responded = false
  /** De-chunks a chunked node body; null while the body goes out as it comes. */
  #dechunk: ChunkedScanner | null = null
  /** Bytes a node body framed by its length has yet to bring; -1 for other bodies. */
  #lengthLeft = -1
  /**
   * The last bytes of a length-framed body, kept back until the exchange ends so that they end
   * the stream in one write: a write still in flight when nghttp2 closes the stream costs
   * node:http2 an error object per stream.
   */
  #last: Buffer | null = null
  readonly #sendData = (buf: Buffer, start: number, end: number): void => {
    if (end > start) this.#stream.write(Buffer.from(buf.subarray(start, end)))
  }
  readonly #onStreamData = (chunk: Buffer): void => {
    this.#onData(this.#chunkedIn ? chunkOf(chunk) : chunk)
  }
  readonly #onStreamEnd = (): void => {
    if (this.#chunkedIn) this.#onData(LAST_CHUNK)
    this.clientEnded = true
    this.#wake()
  }
  readonly #onStreamDrain = (): void => {
    this.exchange?.onClientDrain()
  }

  /** The request is a gRPC call: failures are told as gRPC statuses, not error pages. */
  #grpc: boolean

  constructor(stream: ServerHttp2Stream, conn: Http2ConnectionFacts, chunkedIn: boolean, grpc = false) {
    this.#stream = stream
    this.#grpc = grpc
    this.#conn = conn
    this.requestCount = conn.streamCount
    this.#chunkedIn = chunkedIn
    this.#listen(stream)
  }

  /**
   * Serves the next stream of the connection with this downstream and its exchange, both left
   * idle by a stream that finished: what a stream needs is not made again for every request.
   */
  rebind(stream: ServerHttp2Stream, chunkedIn: boolean, grpc: boolean): void {
    this.#stream = stream
    this.#grpc = grpc
    this.requestCount = this.#conn.streamCount
    this.#chunkedIn = chunkedIn
    this.#pending = null
    if (this.#waiters.length > 0) this.#waiters = []
    this.clientEnded = false
    this.#responded = false
    this.#dechunk = null
    this.#lengthLeft = -1
    this.#last = null
    this.#listen(stream)
  }

  #listen(stream: ServerHttp2Stream): void {
    if (stream.endAfterHeaders) {
      // Nothing to read: left unread, the stream is destroyed only after node:http2 has finished
      // its writes, instead of when it closes with a write still in flight (which costs an
      // error object per stream).
      this.clientEnded = true
    } else {
      stream.on('data', this.#onStreamData)
      stream.on('end', this.#onStreamEnd)
    }
    stream.on('drain', this.#onStreamDrain)
  }

  get clientIp(): string {
    return this.#conn.clientIp
  }

  get tlsFields(): readonly string[] {
    return this.#conn.tlsFields
  }

  get tlsSession(): string | null {
    return this.#conn.tlsSession
  }

  ruleConnection(svc: HttpService): RuleConnectionInfo {
    return this.#conn.ruleConnection(svc)
  }

  #onData(chunk: Buffer): void {
    const ex = this.exchange
    if (ex !== null && (ex.state === 'exchange' || ex.state === 'response-phases') && !ex.reqDone) {
      // Bytes still pending go first, so the body reaches the node in order.
      const before = this.takePending()
      ex.leg.forwardBody(before === null ? chunk : Buffer.concat([before, chunk]))
      return
    }
    this.#pending = this.#pending === null ? chunk : Buffer.concat([this.#pending, chunk])
    if (this.#pending.length > (ex?.svc?.maxClientBufferBytes ?? 65536)) this.#stream.pause()
    this.#wake()
  }

  #wake(): void {
    if (this.#waiters.length === 0) return
    for (const wake of this.#waiters.splice(0)) wake()
  }

  // ---- Downstream: the request body --------------------------------------------------------

  pendingBytes(): Buffer | null {
    return this.#pending
  }

  dropPending(n: number): void {
    const pending = this.#pending
    if (pending === null || n <= 0) return
    this.#pending = n >= pending.length ? null : pending.subarray(n)
  }

  takePending(): Buffer | null {
    const pending = this.#pending
    this.#pending = null
    return pending
  }

  returnPending(rest: Buffer): void {
    // Nothing follows a request in its stream; bytes after the body would be a framing error.
    this.#pending = this.#pending === null ? rest : Buffer.concat([rest, this.#pending])
  }

  moreClientData(): Promise<void> {
    return new Promise((resolve) => {
      this.#waiters.push(resolve)
    })
  }

  isClientDataFinal(): boolean {
    return this.clientEnded || this.#stream.closed || this.#stream.isPaused()
  }

  pauseReading(): void {
    this.#stream.pause()
  }

  resumeReading(): void {
    this.#stream.resume()
  }

  // ---- Downstream: the response ------------------------------------------------------------

  get queuedBytes(): number {
    return this.#stream.writableLength
  }

  responseMode(): number {
    return CLIENT_KEEP
  }

  mustClose(): boolean {
    return false
  }

  sendInterim(head: ResponseHead): void {
    if (this.#stream.closed || this.#responded || head.status === 101) return
    this.#stream.additionalHeaders({ ':status': head.status })
  }

  sendNodeHead(res: ResponseHead, _mode: number, buf: Buffer, _headStart: number, bodyStart: number, _rewritten: boolean, body: BodyPusher): void {
    if (!this.#respond(responseHeaderList(res), res.isChunked)) return
    this.#dechunk = res.isChunked ? new ChunkedScanner() : null
    this.#lengthLeft = !res.isChunked && res.contentLength > 0 ? res.contentLength : -1
    body.pushNodeBody(buf, bodyStart, bodyStart, 0)
  }

  /** Sends the response HEADERS; false when the stream is gone. */
  #respond(headers: RawHeaderList | OutgoingHttpHeaders, mayHaveTrailers: boolean): boolean {
    const stream = this.#stream
    if (stream.closed || stream.destroyed || this.#responded) return false
    this.#responded = true
    // node:http2 takes a raw list as well as an object.
    stream.respond(headers, { waitForTrailers: mayHaveTrailers })
    if (mayHaveTrailers) {
      stream.once('wantTrailers', () => {
        const section = this.#dechunk?.trailers ?? null
        stream.sendTrailers(section === null ? {} : trailerList(section))
      })
    }
    return true
  }

  writeBody(data: Buffer): boolean {
    const stream = this.#stream
    if (stream.closed || stream.destroyed) return true
    const scanner = this.#dechunk
    if (this.#lengthLeft > 0) {
      this.#lengthLeft -= data.length
      if (this.#lengthLeft <= 0) {
        this.#last = Buffer.from(data)
        return true
      }
    }
    if (scanner === null) return stream.write(Buffer.from(data))
    scanner.scan(data, 0, data.length, this.#sendData)
    return stream.writableLength < stream.writableHighWaterMark
  }

  holdsWrittenBytes(): boolean {
    // Every write above is a copy: the node connection's read buffer is never referred to.
    return false
  }

  sendMade(status: number, _reason: string, headers: readonly string[], body: Buffer | null): void {
    if (!this.#respond(headerList(status, headers, null), false)) return
    this.#stream.end(body ?? NO_BYTES)
  }

  sendErrorPage(page: Buffer): void {
    if (this.#grpc) {
      // A trailers-only response (gRPC over HTTP/2): HTTP 200 with the status in the head.
      const status = page.toString('latin1', 9, 12)
      if (!this.#respond(grpcFailure(Number(status)), false)) return
      this.#stream.end()
      return
    }
    const made = splitMadeResponse(page)
    if (!this.#respond(made.headers, false)) return
    this.#stream.end(made.body)
  }

  sendTransformedHead(res: ResponseHead, _mode: number, length: number, body?: Buffer): void {
    this.#lengthLeft = -1
    reframe(res, length >= 0 ? length : 0)
    if (length < 0) {
      res.headers.length -= 2
      res.contentLength = -1
    }
    this.#dechunk = null
    // A transform that made its output whole (a small compressed body) hands it over with the head.
    if (this.#respond(responseHeaderList(res), false) && body !== undefined && body.length > 0) this.#stream.write(body)
  }

  endTransformedBody(): void {
    // The stream ends in exchangeDone.
  }

  upgradeHead(): Buffer {
    // HTTP/2 has no Upgrade (RFC 9113 §8.6); the exchange never starts a tunnel for a stream.
    return NO_BYTES
  }

  startTunnel(): Buffer | null {
    return null
  }

  writeRaw(data: Buffer): void {
    if (!this.#stream.closed) this.#stream.write(Buffer.from(data))
  }

  // ---- Downstream: how the exchange ends ---------------------------------------------------

  exchangeDone(close: boolean): void {
    const stream = this.#stream
    if (stream.closed || stream.destroyed) return
    if (!this.#responded) {
      this.#responded = true
      stream.respond({ ':status': 502 }, { endStream: true })
    } else if (!stream.writableEnded) this.#end()
    // Request bytes not read by now are not wanted: NO_ERROR tells the client to stop sending.
    if (close || !this.clientEnded) {
      if (stream.writableFinished) stream.close(constants.NGHTTP2_NO_ERROR)
      else {
        stream.once('finish', () => {
          stream.close(constants.NGHTTP2_NO_ERROR)
        })
      }
    }
  }

  destroyNow(): void {
    this.exchange?.abort()
    if (!this.#stream.destroyed) this.#stream.close(constants.NGHTTP2_INTERNAL_ERROR)
  }

  endNow(): void {
    this.exchange?.abort()
    const stream = this.#stream
    if (stream.destroyed) return
    if (!stream.writableEnded && this.#responded) this.#end()
    else if (!this.#responded) stream.close(constants.NGHTTP2_CANCEL)
  }

  endOutput(): void {
    if (!this.#stream.writableEnded) this.#end()
  }

  /** Ends the stream, with the body's last bytes when they were kept back. */
  #end(): void {
    const last = this.#last
    this.#last = null
    if (last === null) this.#stream.end()
    else this.#stream.end(last)
  }
}

/** One DATA frame's payload as a chunk of a chunked body. */
function chunkOf(data: Buffer): Buffer {
  if (data.length === 0) return NO_BYTES
  const size = data.length.toString(16)
  const out = Buffer.allocUnsafe(size.length + 4 + data.length)
  out.write(size + '\r\n', 0, 'latin1')
  data.copy(out, size.length + 2)
  out.write('\r\n', size.length + 2 + data.length, 'latin1')
  return out
}
