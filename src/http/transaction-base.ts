/**
 * The state every part of an HTTP client connection shares: the client socket, the current
 * transaction and its deadline. The behaviour is layered on top: node-side.ts (nodes, queues,
 * retries, the request and response bytes), rule-side.ts (what rules decide) and
 * client-connection.ts (the client socket, requests, responses, errors).
 * @module
 */
import type { Socket } from 'node:net'
import type { PersistenceSession } from '../persist/index.ts'
import type { Pool, PoolNode } from '../pool/index.ts'
import { tlsInfoOf } from '../tls/index.ts'
import type { ErrorStatus } from './error-pages.ts'
import type { HttpEngineDeps, HttpService } from './http-service.ts'
import { MessageBody } from './message-body.ts'
import type { NodeConnection } from './node-connection.ts'
import type { RequestHead } from './request-head.ts'
import type { ResponseHead } from './response-head.ts'
import { ResponseRelay, type ResponseSink } from './response-relay.ts'
import type { RuleSession } from './rule-session.ts'
import type { RuleConnectionInfo } from './rule-view.ts'

export const S_HEAD = 0
export const S_CONNECTING = 1
export const S_EXCHANGE = 2
export const S_TUNNEL = 3
export const S_CLOSED = 4
/** Request rules are running (possibly waiting for a body, a sleep or outbound HTTP). */
export const S_RULES = 5

/** What deadlineMs currently guards. */
export const T_NONE = 0
export const T_HEADER = 1
export const T_KEEPALIVE = 2
export const T_CONNECT = 3
export const T_REPLY = 4
export const T_IDLE = 5
export const T_QUEUE = 6
/** Sluice ended the connection: the client has the linger time to close its side. */
export const T_CLOSING = 7

/**
 * A dual-stack listener reports IPv4 clients as `::ffff:a.b.c.d`; nodes and logs want the
 * IPv4 address itself, as vTM reports it.
 */
export function plainClientIp(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address
}

/** Gives the listener a way to find the virtual server's current settings. */
export interface ServiceSource {
  current(): HttpService | null
}

export abstract class TransactionBase implements ResponseSink {
  protected readonly socket: Socket
  protected readonly deps: HttpEngineDeps
  protected readonly source: ServiceSource
  protected readonly clientIp: string
  /** Fields describing a decrypted connection (client certificate, cipher), fixed per connection. */
  protected readonly tlsFields: readonly string[]
  /**
   * A TLS client socket encrypts what it is given during write(), so only a write queued behind
   * another still refers to the caller's bytes; a plain socket refers to them until the kernel
   * has taken them all.
   */
  protected readonly clientCopiesWrites: boolean
  protected state = S_HEAD
  protected pending: Buffer | null = null
  protected clientEnded = false
  protected processing = false
  deadlineMs = 0
  protected timer = T_NONE
  /** Requests started on this connection (rules marked only_first run for the first). */
  protected requestCount = 0
  protected ruleConn: RuleConnectionInfo | null = null
  protected dataWaiters: (() => void)[] = []

  // Transaction state, reset by resetTransaction.
  protected svc: HttpService | null = null
  protected req: RequestHead | null = null
  protected pool: Pool | null = null
  protected node: PoolNode | null = null
  protected tried: PoolNode[] | null = null
  protected attempts = 0
  protected conn: NodeConnection | null = null
  /** Set after a kept-alive connection turned out closed: the retry opens a fresh one. */
  protected freshOnly = false
  /** Waiting in the pool's too-busy queue since this monotonic time (0 = not queued). */
  protected queuedSinceMs = 0
  protected isUpgrade = false
  protected keepNode = false
  protected readonly reqBody = new MessageBody()
  protected reqDone = false
  /** The head and complete body as sent, kept while a resend is still possible. */
  protected sentHead = ''
  protected sentBody: Buffer | null = null
  protected canResend = false
  protected readonly relay = new ResponseRelay(this)
  protected resMode = 0
  protected startMono = 0
  protected sentMono = 0
  protected nodeResponseMs = -1
  protected bytesIn = 0
  protected bytesOut = 0
  /** The rules side of the transaction; null when the virtual server has no rules. */
  protected rules: RuleSession | null = null
  /** The session persistence in force for this transaction, if any. */
  protected persist: PersistenceSession | null = null


  constructor(socket: Socket, deps: HttpEngineDeps, source: ServiceSource) {
    this.socket = socket
    this.deps = deps
    this.source = source
    this.clientIp = plainClientIp(socket.remoteAddress ?? '')
    this.tlsFields = tlsInfoOf(socket)?.requestHeaders ?? []
    this.clientCopiesWrites = (socket as Socket & { encrypted?: unknown }).encrypted === true
  }

  protected arm(kind: number, ms: number): void {
    this.timer = kind
    this.deadlineMs = ms > 0 ? this.deps.clock.monoMs() + ms : 0
  }

  abstract onInterim(head: ResponseHead): void
  abstract onHead(res: ResponseHead, buf: Buffer, headStart: number, bodyStart: number): void
  abstract onBody(data: Buffer): void
  abstract onComplete(extra: boolean): void
  abstract onInvalid(reason: string): void
  /** Answers with Sluice's own error page, then ends the transaction. */
  protected abstract sendError(status: ErrorStatus, close: boolean): void
  /** Closes the client connection at once. */
  protected abstract destroyNow(): void
  /** Ends the client connection: no more requests, a FIN, and a bounded wait for the client to close. */
  protected abstract endClient(): void
  /** Ends the transaction: log, count, then the next request or close. */
  protected abstract finish(status: number, response: { readonly headers: readonly string[] } | null, close: boolean): void
  /** Answers with a redirect to `url` (persistence failure_mode url). */
  protected abstract redirectTo(url: string): void
  /** Sends the node's response on to the client. */
  protected abstract forwardResponse(res: ResponseHead, buf: Buffer, headStart: number, bodyStart: number): void
}
