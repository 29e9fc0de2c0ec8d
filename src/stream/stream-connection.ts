/**
 * One generic TCP transaction: waits for what the protocol needs before routing (first bytes,
 * a ClientHello, or nothing), chooses a pool and a node, retries other nodes while nothing has
 * been exchanged, then relays bytes both ways with backpressure and half-close.
 * @module
 */
import { PacedWriter } from '../protect/index.ts'
import { tlsSessionKey } from '../tls/index.ts'
import { connect, type Socket } from 'node:net'
import type { Pool, PoolNode } from '../pool/index.ts'
import { MAX_CLIENT_HELLO_BYTES, readServerHelloSessionId, readServerName } from './client-hello.ts'
import type { StreamRuleSession } from './stream-rules.ts'
import type { StreamService } from '../snapshot/index.ts'
import { destroyAfterLinger } from './close-linger.ts'
import { EMPTY, S_CLOSED, S_CONNECTING, S_RELAYING, S_ROUTING, S_WAITING, StreamState, type StreamConnectionDeps } from './stream-state.ts'

export type { StreamConnectionDeps, StreamDeps } from './stream-state.ts'

export class StreamConnection extends StreamState {
  /**
   * Takes over `client` (a plain or decrypted socket). `serverName` is the SNI name of a decrypted
   * connection, empty otherwise.
   */
  constructor(client: Socket, service: StreamService, deps: StreamConnectionDeps, serverName = '') {
    super(client, service, deps, serverName)
    client.on('error', () => {
      this.close(true)
    })
    client.on('data', (chunk: Buffer) => {
      this.onClientData(chunk)
    })
    client.on('end', () => {
      this.onClientEnd()
    })
    client.on('drain', () => {
      this.nodeSocket?.resume()
    })
    client.on('close', () => {
      this.close(true)
    })
    client.on('timeout', () => {
      this.close(true)
    })
    client.setNoDelay(!service.nagle)
    const kind = service.kind
    if (kind !== 'ssl_passthrough') this.tlsSession = tlsSessionKey(client)
    if (kind === 'client_first' || kind === 'ssl_passthrough' || (kind === 'server_first' && service.serverFirstBanner !== '')) {
      if (kind === 'server_first') {
        const banner = service.serverFirstBanner
        client.write(banner.endsWith('\n') ? banner : `${banner}\r\n`)
        this.skipNodeBanner = true
      }
      client.setTimeout(service.connectTimeoutMs)
      // Rules that run at connect wait for data themselves, under the same timeout.
      if (kind === 'client_first' && service.rules?.runOnConnect === true) this.route()
    } else {
      client.setTimeout(service.idleTimeoutMs)
      this.route()
    }
  }

  protected onClientData(chunk: Buffer): void {
    this.bytesIn += chunk.length
    if (this.state === S_RELAYING) {
      if (this.nodeSocket !== null && !(this.toNode === null ? this.nodeSocket.write(chunk) : this.toNode.write(chunk))) this.client.pause()
      return
    }
    if (this.state === S_CLOSED) return
    this.pending.push(chunk)
    this.pendingBytes += chunk.length
    if (this.state !== S_WAITING) {
      if (this.pendingBytes >= this.service.maxClientBufferBytes) this.client.pause()
      this.wakeDataWaiters()
      return
    }
    if (this.service.kind === 'ssl_passthrough') {
      const hello = readServerName(this.clientData())
      if (hello.status === 'incomplete') return
      if (hello.status === 'invalid') {
        this.close(true)
        return
      }
      this.sniName = hello.name
      this.tlsSession = hello.sessionId
    }
    this.route()
  }

  protected onClientEnd(): void {
    this.clientEnded = true
    if (this.state === S_WAITING) {
      // Nothing (or only part of a ClientHello) arrived: there is nothing to forward.
      this.close(false)
      return
    }
    if (this.state !== S_RELAYING) {
      this.wakeDataWaiters()
      return
    }
    this.forwardClientEnd()
  }

  protected forwardClientEnd(): void {
    // What the class still holds goes to the node first.
    if (this.toNode?.isHolding === true) {
      this.toNode.whenFlushed(() => {
        this.forwardClientEnd()
      })
      return
    }
    if (this.service.proxyClose) {
      this.nodeSocket?.end()
      if (this.nodeEnded) this.close(false)
    } else {
      this.close(false)
    }
  }

  protected route(): void {
    this.state = S_ROUTING
    const rules = this.rules
    if (rules !== null) {
      rules.runRequest(() => {
        this.afterRequestRules(rules)
      })
      return
    }
    const router = this.service.router
    if (router === null) {
      this.choosePool()
      return
    }
    try {
      const run = router(this)
      if (run instanceof Promise) {
        run.then(
          () => {
            this.choosePool()
          },
          () => {
            this.close(true)
          },
        )
        return
      }
    } catch {
      // A failing router fails only this transaction.
      this.close(true)
      return
    }
    this.choosePool()
  }

  /** Acts on what the request rules decided. */
  protected afterRequestRules(rules: StreamRuleSession): void {
    if (this.state !== S_ROUTING) return
    const d = rules.decision
    if (d.action === 'discard') {
      this.close(true)
      return
    }
    // request.sendResponse and connection.close( data ): bytes for the client before anything else.
    if (d.clientData !== '') this.client.write(Buffer.from(d.clientData, 'latin1'))
    if (d.action === 'close') {
      this.close(false)
      return
    }
    if (d.pool !== null) this.usePool(d.pool)
    this.persistChoice = d
    this.choosePool()
  }

  protected choosePool(): void {
    if (this.state !== S_ROUTING) return
    const start = this.chosen === undefined ? this.service.pool : this.chosen
    if (start === null) {
      this.close(true)
      return
    }
    // Routing is over: from now on the idle timeout applies, not the time allowed for the request.
    this.client.setTimeout(this.service.idleTimeoutMs)
    this.state = S_CONNECTING
    this.dialer.start(start, this.service.pools, null)
  }

  /** DialerOwner: connect to the node the dialer chose; a failure tries the next one. */
  openConnection(node: PoolNode, pool: Pool): void {
    const socket = connect({ host: node.status.host, port: node.status.port, allowHalfOpen: true, noDelay: !pool.settings.nagle })
    this.connecting = socket
    const onFailure = () => {
      socket.destroy()
      if (this.connecting !== socket) return
      this.connecting = null
      this.dialer.failed(true)
      this.dialer.next()
    }
    socket.on('error', onFailure)
    socket.once('connect', () => {
      socket.off('error', onFailure)
      if (this.connecting !== socket) {
        socket.destroy()
        return
      }
      this.connecting = null
      this.dialer.connected()
      this.nodeSocket = socket
      this.relay(socket)
    })
  }

  /** DialerOwner: the node did not accept in time (pool `max_connect_time`). */
  connectTimedOut(): void {
    const socket = this.connecting
    if (socket === null) return
    this.connecting = null
    socket.destroy()
    this.dialer.failed(true)
    this.dialer.next()
  }

  /** DialerOwner: no node could be had. */
  noNode(): void {
    this.close(true)
  }

  protected relay(node: Socket): void {
    if (this.state === S_CLOSED) {
      node.destroy()
      return
    }
    this.state = S_RELAYING
    this.startPacing(node)
    if (this.service.kind === 'ssl_passthrough' && this.persistSession !== null && this.tlsSession !== null) this.serverHello = Buffer.alloc(0)
    node.on('error', () => {
      this.close(true)
    })
    node.on('data', (chunk: Buffer) => {
      this.onNodeData(chunk)
    })
    node.on('drain', () => {
      this.client.resume()
    })
    node.on('end', () => {
      this.onNodeEnd()
    })
    node.on('close', () => {
      if (!this.nodeEnded) this.close(true)
    })
    for (const chunk of this.pending) {
      if (this.toNode === null) node.write(chunk)
      else this.toNode.write(chunk)
    }
    this.pending = []
    this.pendingBytes = 0
    this.client.resume()
    if (this.clientEnded) this.forwardClientEnd()
  }

  protected onNodeData(chunk: Buffer): void {
    if (this.state === S_CLOSED) return
    if (this.serverHello !== null) this.learnServerSession(chunk)
    let data = chunk
    if (this.skipNodeBanner) {
      const eol = data.indexOf(10)
      if (eol < 0) return
      this.skipNodeBanner = false
      data = data.subarray(eol + 1)
      if (data.length === 0) return
    }
    if (this.responsePending !== null) {
      this.responsePending = Buffer.concat([this.responsePending, data])
      return
    }
    const rules = this.rules
    if (rules !== null && rules.hasResponseRules && !this.responseRulesRan) {
      this.runResponseRules(rules, data)
      return
    }
    this.relayToClient(data)
  }

  protected relayToClient(data: Buffer): void {
    if (data.length === 0) return
    this.bytesOut += data.length
    if (!(this.toClient === null ? this.client.write(data) : this.toClient.write(data))) this.nodeSocket?.pause()
  }

  /**
   * `ssl` persistence on pass-through: the node's ServerHello names the session it made, which a
   * client resuming it will offer; read from the node's first bytes (at most one ClientHello's
   * worth), which go on to the client untouched.
   */
  protected learnServerSession(chunk: Buffer): void {
    const seen = this.serverHello === null ? chunk : Buffer.concat([this.serverHello, chunk])
    const id = readServerHelloSessionId(seen)
    if (id === null && seen.length < MAX_CLIENT_HELLO_BYTES) {
      this.serverHello = seen
      return
    }
    this.serverHello = null
    if (typeof id === 'string' && id !== this.tlsSession) this.persistSession?.learnKey(id)
  }

  /**
   * Bandwidth classes pace what this connection writes: to the client the virtual server's class
   * (or a rule's response.setBandwidthClass), to the node the pool's (or request.setBandwidthClass).
   */
  protected startPacing(node: Socket): void {
    const service = this.service.bandwidth ?? null
    if (service === null) return
    const decision = this.rules?.decision ?? null
    const toClient = service.classes.get(decision?.responseBandwidthClass ?? service.clientClass)
    const toNode = service.classes.get(decision?.bandwidthClass ?? this.dialer.pool?.settings.bandwidthClass ?? '')
    if (toClient !== undefined) {
      const gate = toClient.gate()
      this.pacedBy.push({ cls: toClient, gate })
      this.toClient = new PacedWriter(gate, (chunk) => this.client.write(chunk), () => this.nodeSocket?.resume())
    }
    if (toNode !== undefined) {
      const gate = toNode.gate()
      this.pacedBy.push({ cls: toNode, gate })
      this.toNode = new PacedWriter(gate, (chunk) => node.write(chunk), () => this.client.resume())
    }
  }

  /** Response rules run once, on the node's first data, which waits for them. */
  protected runResponseRules(rules: StreamRuleSession, data: Buffer): void {
    this.responseRulesRan = true
    this.responsePending = data
    this.nodeSocket?.pause()
    rules.runResponse(() => {
      if (this.state === S_CLOSED) return
      const held = this.responsePending ?? EMPTY
      this.responsePending = null
      const d = rules.decision
      if (d.action === 'discard') {
        this.close(true)
        return
      }
      this.relayToClient(held)
      if (d.action === 'close') {
        this.close(false)
        return
      }
      if (this.nodeEndDeferred) {
        this.endFromNode()
        return
      }
      this.nodeSocket?.resume()
    })
  }

  protected onNodeEnd(): void {
    this.nodeEnded = true
    if (this.responsePending !== null) {
      // Response rules still hold the node's data; it ends once they have run.
      this.nodeEndDeferred = true
      return
    }
    this.endFromNode()
  }

  protected endFromNode(): void {
    // What the class still holds goes to the client first.
    if (this.toClient?.isHolding === true) {
      this.toClient.whenFlushed(() => {
        this.endFromNode()
      })
      return
    }
    if (this.service.proxyClose && !this.clientEnded) {
      this.client.end()
      return
    }
    this.close(false)
  }

  /**
   * Ends the transaction once. `abort` destroys both sockets (with RST if configured); otherwise
   * pending writes are flushed and each side gets a FIN, then the sockets are destroyed.
   */
  protected close(abort: boolean): void {
    if (this.state === S_CLOSED) return
    this.state = S_CLOSED
    this.toClient?.cancel()
    this.toNode?.cancel()
    for (const { cls, gate } of this.pacedBy) cls.release(gate)
    const node = this.nodeSocket
    this.nodeSocket = null
    if (abort) {
      node?.destroy()
      this.destroyClient()
    } else {
      if (node !== null) {
        node.end(() => node.destroy())
      }
      this.client.end(() => this.client.destroy())
      destroyAfterLinger(this.client, node, this.deps.closeLingerMs, this.service.idleTimeoutMs, this.deps.counters)
    }
    this.pending = []
    this.wakeDataWaiters()
    // Gives back the node slot (or leaves the queue, or stops a connection attempt).
    this.connecting?.destroy()
    this.connecting = null
    const usedNode = this.dialer.node
    this.dialer.dispose()
    const onEnd = this.service.onEnd
    if (onEnd !== null) {
      onEnd({
        virtualServer: this.service.name,
        clientIp: this.clientIp,
        bytesIn: this.bytesIn,
        bytesOut: this.bytesOut,
        durationMs: this.deps.clock.monoMs() - this.startMs,
        pool: this.dialer.pool,
        node: usedNode?.id ?? null,
      })
    }
  }

  protected destroyClient(): void {
    if (!this.service.closeWithRst) {
      this.client.destroy()
      return
    }
    try {
      this.client.resetAndDestroy()
    } catch {
      // Only plain TCP sockets can send a RST; a decrypted socket closes normally.
      this.client.destroy()
    }
  }

  /** Closes the connection at once (shutdown). */
  destroy(): void {
    this.close(true)
  }
}
