/**
 * SSL decryption for one virtual server in one snapshot: a `tls.Server` that never listens but
 * takes the raw sockets our listeners accept, with every secure context (the default certificate
 * and one per SNI host mapping) built once when the snapshot is built.
 * @module
 */
import { createHash } from 'node:crypto'
import type { Socket } from 'node:net'
import { createSecureContext, createServer, type SecureContext, type SecureContextOptions, type SecureVersion, type Server, type TLSSocket } from 'node:tls'
import type { CaBundle, ServerCertificate } from './certificate.ts'
import { recordConnectionInfo, type ConnectionInfoOptions } from './connection-info.ts'
import { HostMap } from './host-map.ts'
import type { TlsSessionCache } from './session-cache.ts'

export type ClientCertRequest = 'dont_request' | 'request' | 'require'

/** Everything a TlsTerminator needs, already checked and mapped from the configuration. */
export interface TlsTerminatorOptions {
  readonly name: string
  /** The default certificate, with any alternative ones (say RSA and ECDSA) for the same names. */
  readonly defaultCerts: readonly ServerCertificate[]
  /** SNI host patterns (`www.example.com`, `*.example.com`) and their certificates, in order. */
  readonly hostCerts: readonly { readonly host: string; readonly certs: readonly ServerCertificate[] }[]
  readonly minVersion: SecureVersion
  readonly maxVersion: SecureVersion
  /** OpenSSL option bits (protocol gaps, no tickets). */
  readonly secureOptions: number
  /** OpenSSL cipher list; undefined for Node's default. */
  readonly ciphers: string | undefined
  readonly requestClientCert: ClientCertRequest
  readonly clientCas: readonly CaBundle[]
  /** Null when the session-ID cache is disabled. */
  readonly sessionCache: TlsSessionCache | null
  /** Null when session tickets are disabled. */
  readonly ticketKeys: Buffer | null
  readonly sessionTimeoutSec: number
  /** Sessions resume only on servers with the same context id. */
  readonly sessionIdContext: string
  /** ALPN protocols offered, or empty for none. */
  readonly alpnProtocols: readonly string[]
  /** Time allowed for the handshake; 0 = Node's default (120 s). */
  readonly handshakeTimeoutMs: number
  /** Keep a key for each connection's TLS session (for `ssl` persistence): see tlsSessionKey. */
  readonly sessionKeys?: boolean
  readonly info: ConnectionInfoOptions
}

/** Called with the decrypted socket once the handshake (and any certificate check) succeeded. */
export type SecureHandler = (socket: TLSSocket) => void

function contextOptions(o: TlsTerminatorOptions, certs: readonly ServerCertificate[]): SecureContextOptions {
  const ca = o.clientCas.flatMap((b) => b.certPems)
  const crl = o.clientCas.flatMap((b) => b.crlPems)
  return {
    cert: certs.map((c) => c.certPem),
    key: certs.map((c) => c.keyPem),
    minVersion: o.minVersion,
    maxVersion: o.maxVersion,
    secureOptions: o.secureOptions,
    sessionIdContext: o.sessionIdContext,
    ...(o.ciphers === undefined ? {} : { ciphers: o.ciphers }),
    ...(ca.length > 0 ? { ca } : {}),
    ...(crl.length > 0 ? { crl } : {}),
    ...(o.ticketKeys === null ? {} : { ticketKeys: o.ticketKeys }),
    ...(o.sessionTimeoutSec > 0 ? { sessionTimeout: o.sessionTimeoutSec } : {}),
  }
}

/** The TLS session each decrypted connection belongs to, where a terminator keeps them. */
const SESSION_KEYS = new WeakMap<TLSSocket, string>()

/**
 * A key naming `socket`'s TLS session, the same for every connection that resumes it; null
 * when it has none (not kept for this virtual server, or TLS 1.3, which resumes differently).
 */
export function tlsSessionKey(socket: object): string | null {
  return SESSION_KEYS.get(socket as TLSSocket) ?? null
}

export class TlsTerminator {
  readonly name: string
  readonly #server: Server
  readonly #hosts = new HostMap<SecureContext>()
  readonly #options: TlsTerminatorOptions
  /** Catalog names of the certificates this terminator presents, by SHA-256 fingerprint. */
  readonly #certNames = new Map<string, string>()
  #onSecure: SecureHandler | null = null

  /** Builds every secure context now; throws if OpenSSL rejects the material (checked earlier). */
  constructor(o: TlsTerminatorOptions) {
    this.name = o.name
    this.#options = o
    for (const row of o.hostCerts) this.#hosts.add(row.host, createSecureContext(contextOptions(o, row.certs)))
    for (const c of [...o.defaultCerts, ...o.hostCerts.flatMap((row) => row.certs)]) this.#certNames.set(c.leaf.fingerprint256, c.name)
    const requestCert = o.requestClientCert !== 'dont_request'
    this.#server = createServer({
      ...contextOptions(o, o.defaultCerts),
      requestCert,
      // With CAs configured, `require` lets OpenSSL refuse unverified certificates in the
      // handshake; `request` and CA-less `require` are checked after it (see #secured).
      rejectUnauthorized: o.requestClientCert === 'require' && o.clientCas.length > 0,
      ...(o.alpnProtocols.length > 0 ? { ALPNProtocols: [...o.alpnProtocols] } : {}),
      ...(o.handshakeTimeoutMs > 0 ? { handshakeTimeout: o.handshakeTimeoutMs } : {}),
      ...(this.#hosts.size > 0
        ? {
            SNICallback: (servername: string, cb: (e: Error | null, ctx?: SecureContext) => void) => {
              cb(null, this.#hosts.lookup(servername))
            },
          }
        : {}),
    })
    this.#server.on('secureConnection', (socket: TLSSocket) => {
      this.#secured(socket)
    })
    if (o.sessionKeys === true) {
      // TLS 1.2 logs each handshake's master secret; a resumed session has the same one, so its
      // hash names the session whether it was resumed by ID or by ticket. Only the hash is kept.
      this.#server.on('keylog', (line: Buffer, socket: TLSSocket) => {
        const text = line.toString('latin1')
        if (!text.startsWith('CLIENT_RANDOM ')) return
        SESSION_KEYS.set(socket, createHash('sha256').update(text.slice(text.lastIndexOf(' ') + 1).trim()).digest('hex').slice(0, 32))
      })
    }
    this.#server.on('tlsClientError', (_e: Error, socket: TLSSocket) => {
      socket.destroy()
    })
    const cache = o.sessionCache
    if (cache !== null) {
      this.#server.on('newSession', (id: Buffer, data: Buffer, done: () => void) => {
        cache.store(id, data)
        done()
      })
      this.#server.on('resumeSession', (id: Buffer, done: (e: Error | null, data: Buffer | null) => void) => {
        done(null, cache.find(id))
      })
    }
  }

  /**
   * Starts the handshake on an accepted socket. `onSecure` gets the decrypted socket; a failed or
   * timed-out handshake destroys the socket.
   */
  accept(socket: Socket, onSecure: SecureHandler): void {
    this.#onSecure = onSecure
    socket.on('error', () => undefined)
    this.#server.emit('connection', socket)
  }

  #secured(socket: TLSSocket): void {
    socket.on('error', () => undefined)
    if (this.#options.requestClientCert === 'require' && Object.keys(socket.getPeerCertificate(false)).length === 0) {
      socket.destroy()
      return
    }
    recordConnectionInfo(socket, this.#options.info, this.#certNames)
    this.#onSecure?.(socket)
  }
}
