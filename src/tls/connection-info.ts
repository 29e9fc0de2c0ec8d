/**
 * What a decrypted connection knows about its TLS session, reachable from the socket, so the
 * HTTP engine can add `SSL-*` headers to each request and rules can ask. Read lazily.
 * @module
 */
import type { PeerCertificate, TLSSocket } from 'node:tls'
import type { Socket } from 'node:net'

/** vTM `ssl.client_cert_headers`. */
export type ClientCertHeaderMode = 'none' | 'simple' | 'all'

/** `ok`: verified (or accepted without CAs); `invalid`: presented but not verified; `none`. */
export type ClientCertStatus = 'ok' | 'invalid' | 'none'

export interface TlsConnectionInfo {
  /** `TLSv1.2`, `TLSv1.3`. */
  readonly protocol: string
  /** OpenSSL cipher name. */
  readonly cipher: string
  /** The SNI name the client sent, lower case; empty when none. */
  readonly serverName: string
  readonly isSessionReused: boolean
  readonly clientCertStatus: ClientCertStatus
  /** Why the client certificate did not verify (OpenSSL code); empty otherwise. */
  readonly clientCertError: string
  /** Header fields (`[name, value, name, value, ...]`) to add to every request on the connection. */
  readonly requestHeaders: readonly string[]
}

/**
 * Names of every header Sluice may add from TLS data. The HTTP engine removes fields of these
 * names from client requests on decrypting virtual servers so a client cannot forge them.
 */
export const TLS_HEADER_NAMES: readonly string[] = Object.freeze([
  'SSL-Protocol',
  'SSL-Cipher',
  'SSL-Server-Name',
  'SSL-Session-Reused',
  'SSL-Client-Cert-Status',
  'SSL-Client-Cert-Subject',
  'SSL-Client-Cert-Issuer',
  'SSL-Client-Cert-Serial',
  'SSL-Client-Cert-Not-Before',
  'SSL-Client-Cert-Not-After',
  'SSL-Client-Cert-Fingerprint',
  'SSL-Client-Cert',
])

const infos = new WeakMap<Socket, TlsConnectionInfo>()

/** The TLS facts of a decrypted client socket, or null for a plain one. */
export function tlsInfoOf(socket: Socket): TlsConnectionInfo | null {
  return infos.get(socket) ?? null
}

/** Distinguished names as one line: `CN=client,O=Example` (header values cannot hold newlines). */
function oneLine(dn: string): string {
  return dn.replaceAll('\n', ',')
}

/** A name Node gives as an object (`{CN: 'x', O: ['a','b']}`) as one line. */
function nameLine(name: object | undefined): string {
  if (name === undefined) return ''
  const parts: string[] = []
  for (const [k, v] of Object.entries(name)) {
    if (Array.isArray(v)) for (const item of v) parts.push(`${k}=${String(item)}`)
    else parts.push(`${k}=${String(v)}`)
  }
  return oneLine(parts.join('\n'))
}

function certHeaders(cert: PeerCertificate, status: ClientCertStatus, mode: ClientCertHeaderMode, out: string[]): void {
  out.push('SSL-Client-Cert-Status', status)
  out.push('SSL-Client-Cert-Subject', nameLine(cert.subject))
  out.push('SSL-Client-Cert-Issuer', nameLine(cert.issuer))
  out.push('SSL-Client-Cert-Serial', cert.serialNumber)
  out.push('SSL-Client-Cert-Not-Before', cert.valid_from)
  out.push('SSL-Client-Cert-Not-After', cert.valid_to)
  out.push('SSL-Client-Cert-Fingerprint', cert.fingerprint256)
  if (mode === 'all') out.push('SSL-Client-Cert', cert.raw.toString('base64'))
}

/** What the virtual server asked for, fixed per snapshot. */
export interface ConnectionInfoOptions {
  readonly clientCertHeaders: ClientCertHeaderMode
  /** vTM `ssl.add_http_headers`: protocol, cipher, SNI name and resumption as headers. */
  readonly addHttpHeaders: boolean
  /** Client certificates are checked against configured CAs (else any certificate is `ok`). */
  readonly hasClientCas: boolean
}

const NO_HEADERS: readonly string[] = Object.freeze([])

/**
 * The TLS facts of one decrypted connection, read from the socket when first asked for and then
 * kept. Most connections never ask (no SSL headers, no ssl.* rule), and reading them all at
 * every handshake cost a measurable share of a new connection.
 */
class LazyConnectionInfo implements TlsConnectionInfo {
  readonly #socket: TLSSocket
  readonly #o: ConnectionInfoOptions
  #protocol: string | null = null
  #cipher: string | null = null
  #serverName: string | null = null
  #isSessionReused: boolean | null = null
  #peer: PeerCertificate | null = null
  #status: ClientCertStatus | null = null
  #certError = ''
  #headers: readonly string[] | null = null

  constructor(socket: TLSSocket, o: ConnectionInfoOptions) {
    this.#socket = socket
    this.#o = o
  }

  get protocol(): string {
    this.#protocol ??= this.#socket.getProtocol() ?? ''
    return this.#protocol
  }

  get cipher(): string {
    this.#cipher ??= this.#socket.getCipher().name
    return this.#cipher
  }

  get serverName(): string {
    if (this.#serverName === null) {
      const name = (this.#socket as TLSSocket & { servername?: unknown }).servername
      this.#serverName = typeof name === 'string' ? name.toLowerCase() : ''
    }
    return this.#serverName
  }

  get isSessionReused(): boolean {
    this.#isSessionReused ??= this.#socket.isSessionReused()
    return this.#isSessionReused
  }

  #peerCertificate(): PeerCertificate {
    this.#peer ??= this.#socket.getPeerCertificate(false)
    return this.#peer
  }

  get clientCertStatus(): ClientCertStatus {
    if (this.#status === null) {
      if (Object.keys(this.#peerCertificate()).length === 0) this.#status = 'none'
      else if (!this.#o.hasClientCas || this.#socket.authorized) this.#status = 'ok'
      else {
        this.#status = 'invalid'
        this.#certError = String(this.#socket.authorizationError)
      }
    }
    return this.#status
  }

  get clientCertError(): string {
    return this.clientCertStatus === 'invalid' ? this.#certError : ''
  }

  get requestHeaders(): readonly string[] {
    if (this.#headers === null) {
      const o = this.#o
      if (!o.addHttpHeaders && o.clientCertHeaders === 'none') this.#headers = NO_HEADERS
      else {
        const headers: string[] = []
        if (o.addHttpHeaders) {
          headers.push('SSL-Protocol', this.protocol, 'SSL-Cipher', this.cipher)
          if (this.serverName !== '') headers.push('SSL-Server-Name', this.serverName)
          headers.push('SSL-Session-Reused', this.isSessionReused ? 'yes' : 'no')
        }
        if (o.clientCertHeaders !== 'none') {
          const status = this.clientCertStatus
          if (status !== 'none') certHeaders(this.#peerCertificate(), status, o.clientCertHeaders, headers)
          else headers.push('SSL-Client-Cert-Status', 'none')
        }
        this.#headers = Object.freeze(headers)
      }
    }
    return this.#headers
  }
}

/** Remembers that `socket` has just finished its handshake; its facts are read when needed. */
export function recordConnectionInfo(socket: TLSSocket, o: ConnectionInfoOptions): TlsConnectionInfo {
  const info = new LazyConnectionInfo(socket, o)
  infos.set(socket, info)
  return info
}
