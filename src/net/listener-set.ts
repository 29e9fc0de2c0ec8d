/**
 * The TCP listeners of all virtual servers, diffed against each new snapshot: an address that
 * stays keeps its socket, a new one is bound before anything else changes, and a removed one
 * stops accepting while its connections finish.
 * @module
 */
import { createServer, type Server, type Socket } from 'node:net'
import { err, errorMessage, ok, type Logger, type Result } from '../core/index.ts'
import type { Diagnostic } from '../config/index.ts'
import type { ListenAddress, Snapshot } from '../snapshot/index.ts'

/** Called for every accepted connection with the name of its virtual server. */
export type AcceptHandler = (socket: Socket, virtualServer: string) => void

interface Listener {
  readonly key: string
  readonly server: Server
  readonly address: ListenAddress
  virtualServer: string
}

/** A bound address as reported to people and tests. */
export interface BoundAddress {
  readonly virtualServer: string
  readonly host: string
  readonly port: number
}

function keyOf(a: ListenAddress): string {
  return `${a.host ?? '*'}|${String(a.port)}`
}

export class ListenerSet {
  readonly #listeners = new Map<string, Listener>()
  readonly #onAccept: AcceptHandler
  readonly #logger: Logger

  constructor(onAccept: AcceptHandler, logger: Logger) {
    this.#onAccept = onAccept
    this.#logger = logger
  }

  /**
   * Makes the listeners match `snapshot`. New addresses are bound first; if any fails, the ones
   * just bound are closed again and nothing changes.
   */
  async apply(snapshot: Snapshot): Promise<Result<void, Diagnostic[]>> {
    const wanted = new Map<string, { address: ListenAddress; virtualServer: string }>()
    for (const vs of snapshot.virtualServers.values()) {
      if (vs.http === null) {
        this.#logger.warn(`virtual server ${vs.name}: protocol ${vs.protocol} is not supported yet; not listening`)
        continue
      }
      for (const address of vs.addresses) wanted.set(keyOf(address), { address, virtualServer: vs.name })
    }
    const opened: Listener[] = []
    const problems: Diagnostic[] = []
    await Promise.all(
      [...wanted].map(async ([key, want]) => {
        if (this.#listeners.has(key)) return
        try {
          opened.push(await this.#open(key, want.address, want.virtualServer))
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

  #open(key: string, address: ListenAddress, virtualServer: string): Promise<Listener> {
    const server = createServer({ allowHalfOpen: true, noDelay: true, pauseOnConnect: false })
    const listener: Listener = { key, server, address, virtualServer }
    server.on('connection', (socket: Socket) => {
      this.#onAccept(socket, listener.virtualServer)
    })
    return new Promise((resolvePromise, reject) => {
      const onError = (e: Error) => {
        reject(e)
      }
      server.once('error', onError)
      server.listen({ host: address.host, port: address.port, backlog: 4096 }, () => {
        server.off('error', onError)
        server.on('error', (e: Error) => {
          this.#logger.error(`listener ${key}: ${e.message}`)
        })
        resolvePromise(listener)
      })
    })
  }

  bound(): BoundAddress[] {
    const out: BoundAddress[] = []
    for (const l of this.#listeners.values()) {
      const a = l.server.address()
      if (a !== null && typeof a === 'object') out.push({ virtualServer: l.virtualServer, host: a.address, port: a.port })
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
function closeServer(server: Server): Promise<void> {
  server.close()
  return Promise.resolve()
}
