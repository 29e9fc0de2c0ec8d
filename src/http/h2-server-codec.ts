/**
 * HTTP/2 towards clients. node:http2 (nghttp2) is the codec: frames, HPACK, flow control,
 * SETTINGS and the protocol's flood defences (rapid reset, CONTINUATION, PING and SETTINGS
 * floods, invalid frames) are its, tested by Sluice's tests. Each request stream gets an Exchange
 * of its own with an Http2StreamDownstream, so streams run every phase as HTTP/1.1 requests do.
 * One Http2Server per settings object (a virtual server's, per snapshot) takes the connections;
 * it never listens itself.
 * @module
 */
import { constants, createServer, type Http2Server, type Http2Session, type IncomingHttpHeaders, type ServerHttp2Session, type ServerHttp2Stream } from 'node:http2'
import type { Socket } from 'node:net'
import type { HttpService, Http2Settings } from '../snapshot/index.ts'
import { tlsInfoOf, tlsSessionKey } from '../tls/index.ts'
import { Exchange } from './exchange.ts'
import { headerListBytes, requestHeadBytes } from './h2-heads.ts'
import { plainClientIp, ruleConnectionOf } from './client-facts.ts'
import type { ServiceSource } from './h1-server-codec.ts'
import type { Http2ConnectionFacts } from './h2-stream.ts'
import { Http2StreamDownstream } from './h2-stream.ts'
import type { HttpEngineDeps } from './http-service.ts'
import { isHeadError, parseRequestHead } from './request-head.ts'
import type { RuleConnectionInfo } from './rule-view.ts'

/** Invalid frames and refused streams a connection may cause before it is closed. */
const MAX_INVALID_FRAMES = 100
const MAX_REJECTED_STREAMS = 100
/** Memory nghttp2 may use per session, in MB (queued frames, HPACK tables, stream state). */
const MAX_SESSION_MEMORY_MB = 10
/** Finished exchanges a connection keeps for its next streams (as many as run at once, mostly). */
const MAX_SPARE_EXCHANGES = 64

/** Stream errors end the stream; the exchange learns of it from 'close'. */
function ignore(): void {
  // Nothing to do.
}

class Http2Connection implements Http2ConnectionFacts {
  readonly clientIp: string
  readonly tlsFields: readonly string[]
  readonly tlsSession: string | null
  readonly socket: Socket
  streamCount = 0
  /** Stream downstreams, with their exchanges, that finished and wait for the next streams. */
  readonly spare: Http2StreamDownstream[] = []
  #ruleConn: RuleConnectionInfo | null = null

  constructor(socket: Socket) {
    this.socket = socket
    this.clientIp = plainClientIp(socket.remoteAddress ?? '')
    this.tlsFields = tlsInfoOf(socket)?.requestHeaders ?? []
    this.tlsSession = tlsSessionKey(socket)
  }

  ruleConnection(svc: HttpService): RuleConnectionInfo {
    this.#ruleConn ??= ruleConnectionOf(this.socket, this.clientIp, svc)
    return this.#ruleConn
  }
}

/** Takes HTTP/2 client connections for the virtual servers of one process. */
export class Http2Clients {
  readonly #deps: HttpEngineDeps
  readonly #servers = new WeakMap<Http2Settings, Http2Server>()
  /** Open sessions, with the virtual server and the settings each was opened with. */
  readonly #sessions = new Map<Http2Session, { source: ServiceSource; settings: Http2Settings }>()

  constructor(deps: HttpEngineDeps) {
    this.#deps = deps
  }

  /** Open HTTP/2 connections. */
  get size(): number {
    return this.#sessions.size
  }

  /**
   * Serves `socket` (plain or decrypted) as an HTTP/2 connection of the virtual server `source`
   * names. `early`: bytes already read from it (the preface of an h2c client).
   */
  accept(socket: Socket, settings: Http2Settings, source: ServiceSource, early: Buffer | null): void {
    let server = this.#servers.get(settings)
    if (server === undefined) {
      server = this.#makeServer(settings)
      this.#servers.set(settings, server)
    }
    const conn = new Http2Connection(socket)
    const onSession = (session: ServerHttp2Session): void => {
      this.#adopt(session, conn, settings, source)
    }
    server.once('session', onSession)
    if (early !== null) socket.unshift(early)
    // node:http2 makes the session while 'connection' is emitted; should it not, the listener
    // must not be left for the next connection.
    server.emit('connection', socket)
    server.off('session', onSession)
  }

  #makeServer(settings: Http2Settings): Http2Server {
    return createServer({
      settings: settings.settings,
      maxHeaderListPairs: 256,
      maxSessionInvalidFrames: MAX_INVALID_FRAMES,
      maxSessionRejectedStreams: MAX_REJECTED_STREAMS,
      maxSessionMemory: MAX_SESSION_MEMORY_MB,
      maxSettings: 32,
      // Timeouts are the session's own (idle with and without open streams).
      unknownProtocolTimeout: 1000,
    })
  }

  #adopt(session: ServerHttp2Session, conn: Http2Connection, settings: Http2Settings, source: ServiceSource): void {
    this.#sessions.set(session, { source, settings })
    let open = 0
    let armedMs = -1
    const idle = (): void => {
      const ms = open === 0 ? (conn.streamCount === 0 ? settings.firstRequestMs : settings.idleNoStreamsMs) : settings.idleOpenStreamsMs
      // Traffic restarts the session's timer by itself; it is re-armed only for another time.
      if (ms === armedMs) return
      armedMs = ms
      session.setTimeout(ms)
    }
    idle()
    session.on('timeout', () => {
      session.close()
      session.destroy()
    })
    session.on('error', () => undefined)
    session.on('close', () => {
      this.#sessions.delete(session)
      for (const down of conn.spare.splice(0)) down.exchange?.dispose()
    })
    session.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
      conn.streamCount++
      open++
      idle()
      stream.on('error', ignore)
      const down = this.#startStream(stream, headers, conn, source)
      // One listener per stream for both the connection's count and the exchange.
      stream.on('close', () => {
        open--
        idle()
        const exchange = down?.exchange ?? null
        if (down === null || exchange === null) return
        // An exchange that finished is kept for the connection's next stream; one cut short is
        // dropped, with whatever it may still be waiting for.
        if (exchange.state === 'idle' && conn.spare.length < MAX_SPARE_EXCHANGES && !session.closed) conn.spare.push(down)
        else {
          if (exchange.state !== 'idle') exchange.abort()
          exchange.dispose()
        }
      })
    })
    if (this.#deps.lifecycle.isDraining) session.close()
  }

  /** Starts the exchange of a new request stream; null when the stream was answered at once. */
  #startStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, conn: Http2Connection, source: ServiceSource): Http2StreamDownstream | null {
    const svc = source.current()
    if (svc === null) {
      stream.close(constants.NGHTTP2_REFUSED_STREAM)
      return null
    }
    const limits = svc.http2
    if (limits !== null && headerListBytes(headers) > limits.maxHeaderListBytes) {
      // Refused before any node hears of it (nghttp2 advertises the limit but does not apply it).
      new Http2StreamDownstream(stream, conn, false).sendErrorPage(svc.errors.get(431, false))
      return null
    }
    const hasBody = !stream.readableEnded && !stream.endAfterHeaders
    const raw = requestHeadBytes(headers, hasBody, svc.http2?.mergeCookies ?? true)
    const grpc = headers['content-type']?.startsWith('application/grpc') === true
    const chunkedIn = hasBody && headers['content-length'] === undefined
    const head = parseRequestHead(raw, 0, raw.length, svc.headLimits)
    if (head === null || isHeadError(head)) {
      const status = head === null ? 431 : head.status
      new Http2StreamDownstream(stream, conn, chunkedIn, grpc).sendErrorPage(svc.errors.get(status, false))
      return null
    }
    let down = conn.spare.pop()
    let exchange = down?.exchange
    if (down === undefined || exchange == null) {
      down = new Http2StreamDownstream(stream, conn, chunkedIn, grpc)
      exchange = new Exchange(down, this.#deps)
      down.exchange = exchange
    } else down.rebind(stream, chunkedIn, grpc)
    const clock = this.#deps.clock
    clock.hold()
    try {
      exchange.start(svc, head)
    } finally {
      clock.release()
    }
    return down
  }

  /** Sends GOAWAY on every connection: streams in flight finish, no new ones start. */
  closeAll(): void {
    for (const s of this.#sessions.keys()) s.close()
  }

  /**
   * After a configuration change: a connection whose virtual server is gone, no longer serves
   * HTTP/2 or has other http2 settings gets GOAWAY (its streams finish), so the client
   * reconnects under the new settings. Other connections carry on.
   */
  reconfigured(): void {
    for (const [session, opened] of this.#sessions) {
      const now = opened.source.current()?.http2 ?? null
      if (now === opened.settings) continue
      if (now === null || JSON.stringify(now) !== JSON.stringify(opened.settings)) session.close()
      else opened.settings = now
    }
  }

  /** Ends every connection at once (end of a shutdown's drain time). */
  destroyAll(): void {
    for (const s of this.#sessions.keys()) s.destroy()
  }
}
