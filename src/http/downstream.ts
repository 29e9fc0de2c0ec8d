/**
 * The client side of an exchange, as the exchange sees it: where the request's bytes come from
 * and where the response goes. The HTTP/1.1 codec implements it for one connection at a time;
 * the HTTP/2 codec once per stream (h2-stream.ts: request bytes from DATA frames, heads as
 * HEADERS frames, body bytes as DATA frames within the stream's flow-control window, "close" as
 * the end of the stream), so the exchange, its phases and the dialer serve both unchanged.
 * @module
 */
import type { HttpService } from '../snapshot/index.ts'
import type { RequestHead } from './request-head.ts'
import type { ResponseHead } from './response-head.ts'
import type { RuleConnectionInfo } from './rule-view.ts'

/** Where the node's body bytes go after its head (through the exchange to the ResponseRelay). */
export interface BodyPusher {
  /**
   * Passes body bytes from `chunk[start..]` on; the bytes from `from` go along unexamined, and
   * `headBytes` of what goes out are head bytes, not body bytes.
   */
  pushNodeBody(chunk: Buffer, start: number, from: number, headBytes: number): void
}

export interface Downstream {
  readonly clientIp: string
  /** Fields describing a decrypted connection (client certificate, cipher), to forward to nodes. */
  readonly tlsFields: readonly string[]
  /** A key naming the connection's TLS session (`ssl` persistence); null when it has none. */
  readonly tlsSession: string | null
  /** Requests started on this connection so far (rules marked only_first run for the first). */
  readonly requestCount: number
  /** True once the client sent all it will send. */
  readonly clientEnded: boolean
  /** Bytes queued towards the client right now. */
  readonly queuedBytes: number
  /** Connection facts for rules, made once per connection. */
  ruleConnection(svc: HttpService): RuleConnectionInfo

  // ---- the request body (what has arrived and not been forwarded yet) ----------------------
  /** Client bytes received and not yet forwarded: the request body, then pipelined requests. */
  pendingBytes(): Buffer | null
  /** Drops the first `n` pending bytes (once a rule replaced the body, or answered without it). */
  dropPending(n: number): void
  /** Takes every pending byte: the caller forwards them now. */
  takePending(): Buffer | null
  /** Gives back bytes that followed the body (the next request), in front of any pending ones. */
  returnPending(rest: Buffer): void
  /** Resolves when more client bytes arrive, reading paused at the buffer limit, or the client left. */
  moreClientData(): Promise<void>
  /** True when no more client bytes can come (closed, or reading paused at the buffer limit). */
  isClientDataFinal(): boolean
  pauseReading(): void
  resumeReading(): void

  // ---- the response --------------------------------------------------------------------
  /** How the client goes on after the response to `req` (CLIENT_* of outgoing-head.ts). */
  responseMode(req: RequestHead, svc: HttpService, bodyUntilClose: boolean, requestDone: boolean): number
  /** Whether a response Sluice makes for `req` must close the connection. */
  mustClose(req: RequestHead, svc: HttpService): boolean
  /** An interim (1xx) response. */
  sendInterim(head: ResponseHead): void
  /**
   * Sends the node's head (`buf[headStart..bodyStart)` when it arrived in one piece, otherwise
   * headStart is -1) and hands the body bytes that came with it to `body`, as one write when it
   * can. `rewritten`: rules changed the head, so it must be rebuilt.
   */
  sendNodeHead(res: ResponseHead, mode: number, buf: Buffer, headStart: number, bodyStart: number, rewritten: boolean, body: BodyPusher): void
  /** Response body bytes; false when the client is full (pause the node until the client drains). */
  writeBody(data: Buffer): boolean
  /**
   * After a write of bytes read from a node connection: whether the write may still read them
   * later, so the node connection must not read into that memory again.
   */
  holdsWrittenBytes(queuedBefore: number): boolean
  /** Sends a whole response Sluice made (body null for HEAD). */
  sendMade(status: number, reason: string, headers: readonly string[], body: Buffer | null, req: RequestHead, close: boolean): void
  /** Sends one of the virtual server's error pages. */
  sendErrorPage(page: Buffer): void
  /**
   * Sends the head of a response whose body a transform makes, `length` bytes long (-1:
   * unknown, so chunked for HTTP/1.1 clients); the body follows through writeBody, unless it is
   * given here as `body` (whole, `length` bytes), when head and body go out together.
   */
  sendTransformedHead(res: ResponseHead, mode: number, length: number, body?: Buffer): void
  /** Ends a body sent after sendTransformedHead (the last chunk when it was chunked). */
  endTransformedBody(): void
  /** The head of a 101 answer, as bytes for the client. */
  upgradeHead(res: ResponseHead): Buffer
  /** The connection becomes a tunnel: returns the client bytes already here, for the node. */
  startTunnel(): Buffer | null
  /** Writes bytes as they are (connection.close data). */
  writeRaw(data: Buffer): void

  // ---- how the exchange ends -----------------------------------------------------------
  /** The exchange is over: read the next request, or close when `close`. */
  exchangeDone(close: boolean): void
  /** Closes the client connection at once. */
  destroyNow(): void
  /** Sends a FIN and closes after the linger time; no more requests are read. */
  endNow(): void
  /**
   * Sets the linger time of a connection that was just ended (a protection class's
   * `linger_time`); a codec without one keeps its own.
   */
  lingerFor?(ms: number): void
  /** Sends a FIN, leaving the other direction open (a tunnel whose node stopped sending). */
  endOutput(): void
}
