/**
 * What a decrypted connection knows about its TLS session, reachable from the socket, so the
 * HTTP engine can add `SSL-*` headers to each request and rules can ask. Read lazily.
 * @module
 */
import type { CipherNameAndProtocol, DetailedPeerCertificate, PeerCertificate, TLSSocket } from 'node:tls'
import type { Socket } from 'node:net'
import { certFacts, type CertFacts } from './cert-facts.ts'

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
  /** `TLS_AES_256_GCM_SHA384, version=TLSv1.3, bits=256` (standard cipher name, protocol, key bits). */
  readonly cipherDescription: string
  /** The session ID in hex (upper case); empty when the session has none. */
  readonly sessionIdHex: string
  /** The client's certificate, or null when it sent none. */
  clientCert(): CertFacts | null
  /** The client's certificate chain as verified, leaf first, as PEM blocks; empty without one. */
  clientCertChainPem(): string
  /** The certificate this side presented. */
  serverCert(): CertFacts | null
  /** Its name in the catalog (`ssl/server_keys/<name>`); empty when unknown. */
  readonly serverCertName: string
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
/** What Node reports for a connection without a client certificate (or once it is gone). */
const NO_PEER = Object.freeze({}) as PeerCertificate

/** Node's TLS getters return null once the socket is gone, although typed as always present. */
function orGone<T>(value: T): T | null {
  return value
}

/**
 * The TLS facts of one decrypted connection, read from the socket when first asked for and then
 * kept. Most connections never ask (no SSL headers, no ssl.* rule), and reading them all at
 * every handshake cost a measurable share of a new connection. A fact first asked for after the
 * socket closed reads as empty.
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
  #cipherDescription: string | null = null
  #sessionIdHex: string | null = null
  #chainPem: string | null = null
  #serverCertName: string | null = null
  #clientCert: CertFacts | null | undefined = undefined
  #serverCert: CertFacts | null | undefined = undefined
  readonly #certNames: ReadonlyMap<string, string>

  constructor(socket: TLSSocket, o: ConnectionInfoOptions, certNames: ReadonlyMap<string, string>) {
    this.#socket = socket
    this.#o = o
    this.#certNames = certNames
  }

  get cipherDescription(): string {
    if (this.#cipherDescription === null) {
      // Node gives null once the socket is gone (typed as always present).
      const c = this.#socket.getCipher() as CipherNameAndProtocol | null
      this.#cipherDescription = c === null ? '' : `${c.standardName}, version=${this.protocol}, bits=${String(cipherBits(c.standardName))}`
    }
    return this.#cipherDescription
  }

  get sessionIdHex(): string {
    if (this.#sessionIdHex === null) {
      const session = this.#socket.getSession() as Buffer | null | undefined
      this.#sessionIdHex = session == null ? '' : sessionIdOf(session).toString('hex').toUpperCase()
    }
    return this.#sessionIdHex
  }

  clientCert(): CertFacts | null {
    if (this.#clientCert === undefined) {
      const raw = (this.#peerCertificate() as Partial<PeerCertificate>).raw
      this.#clientCert = raw === undefined ? null : certFacts(raw)
    }
    return this.#clientCert
  }

  clientCertChainPem(): string {
    this.#chainPem ??= this.#readChainPem()
    return this.#chainPem
  }

  #readChainPem(): string {
    // Without a client certificate Node gives an empty object, hence Partial; once the socket
    // is gone, null.
    let cert: Partial<DetailedPeerCertificate> | null | undefined = this.#socket.getPeerCertificate(true)
    let out = ''
    const seen = new Set<string>()
    // Node links the chain through issuerCertificate; a self-signed root points at itself.
    while (cert?.raw !== undefined && cert.fingerprint256 !== undefined && !seen.has(cert.fingerprint256)) {
      seen.add(cert.fingerprint256)
      out += certFacts(cert.raw)?.pem ?? ''
      cert = cert.issuerCertificate
    }
    return out
  }

  serverCert(): CertFacts | null {
    if (this.#serverCert === undefined) {
      const local = this.#socket.getCertificate() as Partial<PeerCertificate> | null
      this.#serverCert = local?.raw === undefined ? null : certFacts(local.raw)
    }
    return this.#serverCert
  }

  get serverCertName(): string {
    if (this.#serverCertName === null) {
      const local = this.#socket.getCertificate() as Partial<PeerCertificate> | null
      this.#serverCertName = local?.fingerprint256 === undefined ? '' : (this.#certNames.get(local.fingerprint256) ?? '')
    }
    return this.#serverCertName
  }

  get protocol(): string {
    this.#protocol ??= this.#socket.getProtocol() ?? ''
    return this.#protocol
  }

  get cipher(): string {
    this.#cipher ??= (this.#socket.getCipher() as CipherNameAndProtocol | null)?.name ?? ''
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
    this.#isSessionReused ??= (this.#socket.isSessionReused() as boolean | null) === true
    return this.#isSessionReused
  }

  #peerCertificate(): PeerCertificate {
    this.#peer ??= orGone(this.#socket.getPeerCertificate(false)) ?? NO_PEER
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

/** Key bits of a cipher suite, from its standard name. */
function cipherBits(standardName: string): number {
  if (/AES_256|CHACHA20|CAMELLIA_256|ARIA_256/.test(standardName)) return 256
  if (/AES_128|CAMELLIA_128|ARIA_128|SEED/.test(standardName)) return 128
  if (standardName.includes('3DES')) return 112
  return 0
}

/**
 * The session ID inside a serialized SSL_SESSION (DER: SEQUENCE { version, sslVersion, cipher,
 * sessionID OCTET STRING, ... }); empty when it cannot be found.
 */
function sessionIdOf(der: Buffer): Buffer {
  let at = derHeader(der, 0)
  if (at === null || der[0] !== 0x30) return Buffer.alloc(0)
  let pos = at.start
  for (let field = 0; field < 4; field++) {
    at = derHeader(der, pos)
    if (at === null) return Buffer.alloc(0)
    if (field === 3) return der[pos] === 0x04 ? der.subarray(at.start, at.end) : Buffer.alloc(0)
    pos = at.end
  }
  return Buffer.alloc(0)
}

function derHeader(buf: Buffer, at: number): { start: number; end: number } | null {
  let len = buf[at + 1]
  if (len === undefined) return null
  let start = at + 2
  if (len >= 0x80) {
    const bytes = len & 0x7f
    if (bytes === 0 || bytes > 4) return null
    len = 0
    for (let i = 0; i < bytes; i++) len = len * 256 + (buf[start + i] ?? 0)
    start += bytes
  }
  return start + len > buf.length ? null : { start, end: start + len }
}

const NO_CERT_NAMES: ReadonlyMap<string, string> = new Map()

/**
 * Remembers that `socket` has just finished its handshake; its facts are read when needed.
 * `certNames` maps the SHA-256 fingerprints (Node's colon form) of the certificates this side
 * may present to their catalog names.
 */
export function recordConnectionInfo(socket: TLSSocket, o: ConnectionInfoOptions, certNames: ReadonlyMap<string, string> = NO_CERT_NAMES): TlsConnectionInfo {
  const info = new LazyConnectionInfo(socket, o, certNames)
  infos.set(socket, info)
  return info
}
