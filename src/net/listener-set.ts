/**
 * The TCP and UDP listeners of all virtual servers, diffed against each new snapshot: an address
 * that stays keeps its socket, a new one is bound before anything else changes, and a removed one
 * stops accepting while its connections finish.
 * @module
 */
import { createSocket, type RemoteInfo, type Socket as DgramSocket } from 'node:dgram'
import { createServer, isIPv6, type Server, type Socket } from 'node:net'
import { err, errorMessage, ok, type Logger, type Result } from '../core/index.ts'
import type { Diagnostic } from '../config/index.ts'
import type { ListenAddress, Snapshot } from '../snapshot/index.ts'

/** Called for every accepted connection with the name of its virtual server. */
export type AcceptHandler = (socket: Socket, virtualServer: string) => void

/** Called for every datagram received on a UDP virtual server's socket. */
export type DatagramHandler = (msg: Buffer, from: RemoteInfo, socket: DgramSocket, virtualServer: string) => void

export type Transport = 'tcp' | 'udp'

interface Listener {
  readonly key: string
  readonly server: Server | DgramSocket
  readonly address: ListenAddress
  readonly transport: Transport
  virtualServer: string
}

/** A bound address as reported to people and tests. */
export interface BoundAddress {
  readonly virtualServer: string
  readonly transport: Transport
  readonly host: string
  readonly port: number
}

function keyOf(a: ListenAddress, transport: Transport, virtualServer: string): string {
  // A port-0 listener is its virtual server's own (the kernel picks a port for each), kept as
  // long as the virtual server asks for it, so a reload never moves it to another port.
  return `${transport}|${a.host ?? '*'}|${String(a.port)}${a.port === 0 ? `|${virtualServer}` : ''}`
}

/** How the listeners of one worker among several bind (issue #15). */
export interface SharedListening {
  /**
   * Bind with SO_REUSEPORT, so every worker holds its own socket on each address and the kernel
   * spreads new connections (and datagrams) among them.
   */
  readonly reusePort: boolean
  /** The port the first worker got for a port-0 listener, by listener key (`ListenerSet.keys`). */
  readonly chosenPorts: ReadonlyMap<string, number>
}

const ALONE: SharedListening = { reusePort: false, chosenPorts: new Map() }

export class ListenerSet {
  readonly #listeners = new Map<string, Listener>()
  readonly #onAccept: AcceptHandler
  readonly #onDatagram: DatagramHandler
  readonly #logger: Logger
  /** Read at each apply: a worker learns the first worker's ports with each configuration. */
  sharing: SharedListening = ALONE

  constructor(onAccept: AcceptHandler, logger: Logger, onDatagram: DatagramHandler = () => undefined) {
    this.#onAccept = onAccept
    this.#onDatagram = onDatagram
    this.#logger = logger
  }

  /** The port each port-0 listener got, by key, for the other workers to bind the same. */
  chosenPorts(): Map<string, number> {
    const out = new Map<string, number>()
    for (const [key, l] of this.#listeners) {
      if (l.address.port !== 0) continue
      try {
        const a = l.server.address()
        if (a !== null && typeof a === 'object') out.set(key, a.port)
      } catch {
        // A closed UDP socket has no address; it is not handed on.
      }
    }
    return out
  }

  /**
   * Makes the listeners match `snapshot`. New addresses are bound first; if any fails, the ones
   * just bound are closed again and nothing changes.
   */
  async apply(snapshot: Snapshot): Promise<Result<void, Diagnostic[]>> {
    const wanted = new Map<string, { address: ListenAddress; transport: Transport; virtualServer: string }>()
    for (const vs of snapshot.virtualServers.values()) {
      if (vs.http === null && vs.stream === null && vs.udp === null) {
        this.#logger.warn(`virtual server ${vs.name}: protocol ${vs.protocol} is not supported yet; not listening`)
        continue
      }
      const transport: Transport = vs.udp === null ? 'tcp' : 'udp'
      for (const address of vs.addresses) wanted.set(keyOf(address, transport, vs.name), { address, transport, virtualServer: vs.name })
    }
    const opened: Listener[] = []
    const problems: Diagnostic[] = []
    await Promise.all(
      [...wanted].map(async ([key, want]) => {
        if (this.#listeners.has(key)) return
        try {
          opened.push(
            want.transport === 'udp'
              ? await this.#openUdpAny(key, want.address, want.virtualServer)
              : await this.#open(key, want.address, want.virtualServer),
          )
        } catch (e: unknown) {
          problems.push({
            objectType: 'virtual_servers',
            objectName: want.virtualServer,
            key: 'basic.port',
            reason: `cannot listen on ${want.address.host ?? '*'}:${String(want.address.port)}: ${errorMessage(e)}`,
          })
        }
      }),
    )
    if (problems.length > 0) {
      await Promise.all(opened.map((l) => closeServer(l.server)))
      return err(problems)
    }
    for (const l of opened) this.#listeners.set(l.key, l)
    for (const [key, l] of this.#listeners) {
      const want = wanted.get(key)
      if (want === undefined) {
        this.#listeners.delete(key)
        void closeServer(l.server)
      } else {
        l.virtualServer = want.virtualServer
      }
    }
    return ok(undefined)
  }

  /** The port to bind for `key`: a port-0 listener takes the one the first worker got. */
  #portFor(key: string, address: ListenAddress): number {
    return address.port === 0 ? (this.sharing.chosenPorts.get(key) ?? 0) : address.port
  }

  #open(key: string, address: ListenAddress, virtualServer: string): Promise<Listener> {
    const server = createServer({ allowHalfOpen: true, noDelay: true, pauseOnConnect: false })
    const listener: Listener = { key, server, address, transport: 'tcp', virtualServer }
    server.on('connection', (socket: Socket) => {
      this.#onAccept(socket, listener.virtualServer)
    })
    return new Promise((resolvePromise, reject) => {
      const onError = (e: Error) => {
        reject(e)
      }
      server.once('error', onError)
      server.listen({ host: address.host, port: this.#portFor(key, address), backlog: 4096, reusePort: this.sharing.reusePort }, () => {
        server.off('error', onError)
        server.on('error', (e: Error) => {
          this.#logger.error(`listener ${key}: ${e.message}`)
        })
        resolvePromise(listener)
      })
    })
  }

  /** Every address means `::` (both families) where IPv6 exists, else `0.0.0.0`. */
  async #openUdpAny(key: string, address: ListenAddress, virtualServer: string): Promise<Listener> {
    if (address.host !== undefined) return this.#openUdp(key, address, address.host, virtualServer)
    try {
      return await this.#openUdp(key, address, '::', virtualServer)
    } catch (e: unknown) {
      if ((e as { code?: unknown }).code !== 'EAFNOSUPPORT' && (e as { code?: unknown }).code !== 'EADDRNOTAVAIL') throw e
      return this.#openUdp(key, address, '0.0.0.0', virtualServer)
    }
  }

  #openUdp(key: string, address: ListenAddress, host: string, virtualServer: string): Promise<Listener> {
    const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4', reusePort: this.sharing.reusePort })
    const listener: Listener = { key, server: socket, address, transport: 'udp', virtualServer }
    socket.on('message', (msg: Buffer, from: RemoteInfo) => {
      this.#onDatagram(msg, from, socket, listener.virtualServer)
    })
    return new Promise((resolvePromise, reject) => {
      const onError = (e: Error) => {
        socket.close()
        reject(e)
      }
      socket.once('error', onError)
      socket.bind({ address: host, port: this.#portFor(key, address) }, () => {
        socket.off('error', onError)
        socket.on('error', (e: Error) => {
          // A send to a client that has gone (ICMP unreachable) must not stop the listener.
          this.#logger.debug(`listener ${key}: ${e.message}`)
        })
        resolvePromise(listener)
      })
    })
  }

  bound(): BoundAddress[] {
    const out: BoundAddress[] = []
    for (const l of this.#listeners.values()) {
      let a: ReturnType<Server['address']>
      try {
        a = l.server.address()
      } catch {
        // A UDP socket that is already closed has no address.
        continue
      }
      if (a !== null && typeof a === 'object') {
        out.push({ virtualServer: l.virtualServer, transport: l.transport, host: a.address, port: a.port })
      }
    }
    return out
  }

  /** Stops accepting everywhere; established connections are not touched. */
  async close(): Promise<void> {
    const servers = [...this.#listeners.values()].map((l) => l.server)
    this.#listeners.clear()
    await Promise.all(servers.map(closeServer))
  }
}

/**
 * Stops accepting. The listening socket closes at once; server.close's callback would wait for
 * every established connection, which the App drains (or closes) itself.
 */
function closeServer(server: Server | DgramSocket): Promise<void> {
  try {
    server.close()
  } catch {
    // Closing a UDP socket twice throws; it is closed either way.
  }
  return Promise.resolve()
}
