/**
 * A generic TCP transaction as TrafficScript sees it: raw client bytes (`request.get`), raw
 * node bytes in response rules (`response.get`), addresses and the connection store. HTTP-only
 * parts of the view (method, URL, headers, status) are empty and their setters do nothing.
 * @module
 */
import { regexFinds } from '../rules/index.ts'
import type { Decision, HeaderField, TlsFacts, TransactionView, Value } from '../rules/index.ts'

/** What the view needs from its stream connection. */
export interface StreamRuleHost {
  readonly virtualServer: string
  readonly clientIp: string
  readonly clientPort: number
  readonly localIp: string
  readonly localPort: number
  readonly isTls: boolean
  /** TLS facts for ssl.*: the decrypted session's, or only the SNI name on pass-through. */
  tlsFacts(): TlsFacts | null
  /** Client bytes read and not yet forwarded. */
  clientData(): Buffer
  /** Replaces the client bytes not yet forwarded (`request.set`). */
  setClientData(data: Buffer): void
  /** True when no more client bytes can come before routing (closed, ended, or the buffer is full). */
  isClientDataFinal(): boolean
  /** Resolves when more client bytes arrive or none can come any more (never rejects). */
  moreClientData(): Promise<void>
  /** Sends bytes to the client now (before any node is chosen). */
  sendToClient(data: Buffer): void
  /** Node bytes held for response rules; empty outside them. */
  responseData(): Buffer
  setResponseData(data: Buffer): void
  /** `host:port` of the node, '' before one is connected. */
  nodeId(): string
  elapsedMs(): number
}

/**
 * On TLS pass-through (protocol `ssl`) only the SNI name of the ClientHello is known: the rest
 * of ssl.* reads as empty.
 */
export function passThroughTlsFacts(serverName: string): TlsFacts {
  return {
    cipherDescription: '',
    serverName,
    sessionIdHex: '',
    clientCertStatus: 'none',
    clientCertError: '',
    clientCert: () => null,
    clientCertChainPem: () => '',
    serverCert: () => null,
    serverCertName: '',
  }
}

/**
 * Does the pattern of `request.endsWith` match the data? It runs like the rules' own regexes
 * (PCRE translation, bounded in time whatever the data); a refused pattern or a match that ran
 * out of time stops the waiting.
 */
function endsRequest(pattern: string, data: string): boolean {
  return regexFinds(pattern, data) ?? true
}

export class StreamRuleView implements TransactionView {
  readonly #host: StreamRuleHost
  readonly #decision: Decision
  readonly #data = new Map<string, Value>()

  constructor(host: StreamRuleHost, decision: Decision) {
    this.#host = host
    this.#decision = decision
  }

  getMethod(): string {
    return ''
  }
  setMethod(): void {
    // Not HTTP: there is no request line to change.
  }
  getRawUrl(): string {
    return ''
  }
  setRawUrl(): void {
    // Not HTTP.
  }
  getVersion(): string {
    return ''
  }
  listHeaders(): readonly HeaderField[] {
    return []
  }
  getHeader(): string | undefined {
    return undefined
  }
  setHeader(): void {
    // Not HTTP.
  }
  addHeader(): void {
    // Not HTTP.
  }
  removeHeader(): void {
    // Not HTTP.
  }

  /**
   * The client data read so far. Waits while there is none, while fewer than `maxBytes` bytes
   * have arrived, or while `request.endsWith`'s pattern does not match yet; stops waiting when
   * the client closes, the buffer (`max_client_buffer`) is full, or the connection times out.
   */
  getBody(maxBytes: number): string | Promise<string> {
    const host = this.#host
    const text = host.clientData().toString('latin1')
    // `request.endsWith` records where a request ends; reads wait for it.
    const endsWith = this.#decision.settings.get('request.endsWith')
    const isEnough =
      (maxBytes > 0 ? text.length >= maxBytes : text.length > 0) && (typeof endsWith !== 'string' || endsRequest(endsWith, text))
    if (isEnough || host.isClientDataFinal()) return maxBytes > 0 ? text.slice(0, maxBytes) : text
    // What request.sendResponse queued goes out before waiting: the client may be waiting for it
    // (a greeting sent by rules that run at connect).
    const d = this.#decision
    if (d.clientData !== '') {
      host.sendToClient(Buffer.from(d.clientData, 'latin1'))
      d.clientData = ''
    }
    return host.moreClientData().then(() => this.getBody(maxBytes))
  }

  setBody(body: string): void {
    this.#host.setClientData(Buffer.from(body, 'latin1'))
  }

  getRemoteIp(): string {
    return this.#host.clientIp
  }
  getRemotePort(): number {
    return this.#host.clientPort
  }
  getLocalIp(): string {
    return this.#host.localIp
  }
  getLocalPort(): number {
    return this.#host.localPort
  }
  isTls(): boolean {
    return this.#host.isTls
  }
  tls(): TlsFacts | null {
    return this.#host.tlsFacts()
  }
  getVirtualServer(): string {
    return this.#host.virtualServer
  }
  getNode(): string {
    return this.#host.nodeId()
  }

  hasResponse(): boolean {
    return this.#host.responseData().length > 0
  }
  getResponseStatus(): number {
    return 0
  }
  getResponseReason(): string {
    return ''
  }
  getResponseVersion(): string {
    return ''
  }
  setResponseStatus(): void {
    // Not HTTP.
  }
  listResponseHeaders(): readonly HeaderField[] {
    return []
  }
  getResponseHeader(): string | undefined {
    return undefined
  }
  setResponseHeader(): void {
    // Not HTTP.
  }
  addResponseHeader(): void {
    // Not HTTP.
  }
  removeResponseHeader(): void {
    // Not HTTP.
  }
  getResponseBody(maxBytes: number): string {
    const text = this.#host.responseData().toString('latin1')
    return maxBytes > 0 ? text.slice(0, maxBytes) : text
  }
  setResponseBody(body: string): void {
    this.#host.setResponseData(Buffer.from(body, 'latin1'))
  }

  getConnectionData(key: string): Value | undefined {
    return this.#data.get(key)
  }
  setConnectionData(key: string, value: Value): void {
    this.#data.set(key, value)
  }

  getRetries(): number {
    return 0
  }
  getTransactionDurationMs(): number {
    return this.#host.elapsedMs()
  }
  getQueueTimeMs(): number {
    return 0
  }
  getServerResponseTimeMs(): number {
    return 0
  }
}
