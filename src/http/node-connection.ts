/**
 * A connection to a node. Its socket listeners are attached once and forward to whichever
 * transaction owns it now, so reusing a kept-alive connection allocates no closures.
 * @module
 */
import { connect } from 'node:net'
import type { Duplex } from 'node:stream'
import { connect as tlsConnect } from 'node:tls'
import { nodeTlsOptions, type NodeTlsSettings } from '../tls/index.ts'
import type { IdleConnection, NodeStatus } from '../pool/index.ts'
import { ReadBuffer } from '../net/index.ts'
import { Http2NodeSocket } from './h2-node-socket.ts'

/** The side that owns a node connection while a transaction uses it. */
export interface NodeConnectionOwner {
  onNodeConnect(conn: NodeConnection): void
  onNodeData(conn: NodeConnection, chunk: Buffer): void
  onNodeEnd(conn: NodeConnection): void
  onNodeClose(conn: NodeConnection): void
  onNodeDrain(): void
}

export class NodeConnection implements IdleConnection {
  /** A TCP or TLS socket, or for a pool that speaks HTTP/2, its translating duplex. */
  readonly socket: Duplex
  readonly status: NodeStatus
  owner: NodeConnectionOwner | null
  isConnected = false
  /** True once it has served a transaction (a retry on close-before-response is then safe). */
  isReused = false
  /** Response bytes received for the current transaction. */
  bytesReceived = 0
  /**
   * What a plain node connection reads into: reusing it spares Node's per-read allocation and
   * stream bookkeeping (see read-buffer.ts).
   */
  readonly #reads = new ReadBuffer()

  constructor(status: NodeStatus, owner: NodeConnectionOwner, noDelay: boolean, tls: NodeTlsSettings | null = null, http2 = false) {
    this.status = status
    this.owner = owner
    if (http2) {
      const socket = new Http2NodeSocket(status.host, status.port, tls)
      socket.on('connect', () => {
        this.#connected()
      })
      socket.on('data', (chunk: Buffer) => {
        this.#onBytes(chunk)
      })
      this.socket = socket
    } else if (tls === null) {
      this.socket = connect({
        host: status.host,
        port: status.port,
        noDelay,
        allowHalfOpen: true,
        onread: this.#reads.onread((chunk) => {
          this.#onBytes(chunk)
        }),
      })
      this.socket.on('connect', () => {
        this.#connected()
      })
    } else {
      // The pool encrypts (vTM pool ssl.enable): the node is usable once the handshake is done.
      const socket = tlsConnect({ host: status.host, port: status.port, ...nodeTlsOptions(tls, status.host) })
      socket.setNoDelay(noDelay)
      socket.on('secureConnect', () => {
        this.#connected()
      })
      // TLS sockets decrypt into buffers of their own.
      socket.on('data', (chunk: Buffer) => {
        this.#onBytes(chunk)
      })
      this.socket = socket
    }
    this.socket.on('end', () => {
      if (this.owner === null) this.close()
      else this.owner.onNodeEnd(this)
    })
    this.socket.on('drain', () => {
      this.owner?.onNodeDrain()
    })
    // Errors always end in 'close', which is where failures are handled.
    this.socket.on('error', () => undefined)
    this.socket.on('close', () => {
      this.#forgetIfIdle()
      const owner = this.owner
      this.owner = null
      owner?.onNodeClose(this)
    })
  }

  #onBytes(chunk: Buffer): void {
    this.bytesReceived += chunk.length
    this.status.bytesFromNode += chunk.length
    if (this.owner === null) this.close()
    else this.owner.onNodeData(this, chunk)
  }

  /**
   * Someone kept a reference to the bytes just read (a write to the client that could not
   * finish at once, a rule that looks at them later): the next read goes elsewhere.
   */
  pinReadBuffer(): void {
    this.#reads.pin()
  }

  #connected(): void {
    this.isConnected = true
    this.owner?.onNodeConnect(this)
  }

  /** Puts the connection in its node's idle list, or closes it when the list is full. */
  park(maxIdle: number): void {
    this.owner = null
    this.isReused = true
    this.bytesReceived = 0
    // Reading may have been paused for a slow client; an idle connection must notice the node
    // closing it, and its next owner expects it to read.
    this.socket.resume()
    if (!this.status.offerIdle(this, maxIdle)) this.close()
  }

  /** Takes the most recently parked connection of a node, if any. */
  static unpark(status: NodeStatus, owner: NodeConnectionOwner): NodeConnection | undefined {
    const conn = status.idle.pop() as NodeConnection | undefined
    if (conn !== undefined) conn.owner = owner
    return conn
  }

  close(): void {
    this.#forgetIfIdle()
    this.owner = null
    this.socket.destroy()
  }

  #forgetIfIdle(): void {
    if (this.owner !== null) return
    const idle = this.status.idle
    const at = idle.indexOf(this)
    if (at !== -1) idle.splice(at, 1)
  }
}
