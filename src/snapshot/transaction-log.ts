/**
 * Adapts a finished HTTP transaction to the request log's record interface.
 * @module
 */
import type { TransactionRecord } from './http-service.ts'
import type { RequestLogRecord } from '../stats/index.ts'

function findHeader(list: readonly string[] | null, lowerName: string): string | undefined {
  if (list === null) return undefined
  for (let i = 0; i < list.length; i += 2) {
    if ((list[i] ?? '').toLowerCase() === lowerName) return list[i + 1]
  }
  return undefined
}

export class LoggedTransaction implements RequestLogRecord {
  readonly #t: TransactionRecord

  constructor(t: TransactionRecord) {
    this.#t = t
  }

  get clientIp(): string {
    return this.#t.clientIp
  }
  get remoteUser(): string | null {
    return null
  }
  get startWallMs(): number {
    return this.#t.startWallMs
  }
  get method(): string {
    return this.#t.request.method
  }
  get target(): string {
    return this.#t.request.target
  }
  get httpVersion(): string {
    return this.#t.request.versionMinor === 1 ? 'HTTP/1.1' : 'HTTP/1.0'
  }
  get status(): number {
    return this.#t.status
  }
  get bytesIn(): number {
    return this.#t.bytesIn
  }
  get bytesOut(): number {
    return this.#t.bytesOut
  }
  get durationMs(): number {
    return this.#t.durationMs
  }
  get nodeResponseMs(): number {
    return this.#t.nodeResponseMs
  }
  get node(): string | null {
    return this.#t.node?.id ?? null
  }
  get pool(): string | null {
    return this.#t.pool?.name ?? null
  }
  get virtualServer(): string {
    return this.#t.service.name
  }
  requestHeader(name: string): string | undefined {
    return findHeader(this.#t.request.headers, name.toLowerCase())
  }
  responseHeader(name: string): string | undefined {
    return findHeader(this.#t.response?.headers ?? null, name.toLowerCase())
  }
}
