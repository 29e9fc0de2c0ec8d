/**
 * Heads between HTTP/2 and the HTTP/1.1 engine. A request stream's header list becomes an
 * HTTP/1.1 request head that the strict parser reads like any other, so every HTTP/1.1 rule about
 * fields, limits and forwarding holds for HTTP/2 too; a response head becomes a header list
 * without the fields HTTP/2 forbids (RFC 9113 §8.2.2).
 * @module
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http2'
import { isHopByHop, namedByConnection } from './outgoing-head.ts'
import { parseResponseHead, type ResponseHead } from './response-head.ts'

/**
 * The request as HTTP/1.1 head bytes. `hasBody`: the stream did not end with its HEADERS, so a
 * body follows; without a content-length it is sent on chunked.
 */
export function requestHeadBytes(headers: IncomingHttpHeaders, hasBody: boolean, mergeCookies: boolean): Buffer {
  const method = headers[':method'] ?? 'GET'
  const path = headers[':path'] ?? '/'
  const authority = headers[':authority'] ?? headers.host ?? ''
  let out = method + ' ' + path + ' HTTP/1.1\r\nHost: ' + authority + '\r\n'
  let hasLength = false
  for (const name in headers) {
    if (name.charCodeAt(0) === 0x3a || name === 'host') continue
    const value = headers[name]
    if (value === undefined) continue
    if (name === 'content-length') hasLength = true
    // Cookie crumbs come as separate fields in HTTP/2; HTTP/1.1 nodes expect one line.
    if (mergeCookies && name === 'cookie' && Array.isArray(value)) out += 'cookie: ' + value.join('; ') + '\r\n'
    else if (Array.isArray(value)) for (const v of value) out += name + ': ' + v + '\r\n'
    else out += name + ': ' + value + '\r\n'
  }
  if (hasBody && !hasLength) out += 'transfer-encoding: chunked\r\n'
  return Buffer.from(out + '\r\n', 'latin1')
}

/** A decoded header list's size as SETTINGS_MAX_HEADER_LIST_SIZE counts it (RFC 9113 §6.5.2). */
export function headerListBytes(headers: IncomingHttpHeaders): number {
  let n = 0
  for (const name in headers) {
    const value = headers[name]
    if (value === undefined) continue
    if (Array.isArray(value)) for (const v of value) n += name.length + v.length + 32
    else n += name.length + value.length + 32
  }
  return n
}

/**
 * A header list in node:http2's raw form: name, value, name, value, ... with `:status` first.
 * It spares node:http2 turning an object back into that list for every response.
 */
export type RawHeaderList = string[]

/** The response head's fields for an HTTP/2 client. */
export function responseHeaderList(res: ResponseHead): RawHeaderList {
  return headerList(res.status, res.headers, res.connection)
}

/** A status and a flat name, value list as an HTTP/2 header list. */
export function headerList(status: number, flat: readonly string[], connection: readonly string[] | null): RawHeaderList {
  const out: RawHeaderList = [':status', String(status)]
  for (let i = 0; i < flat.length; i += 2) {
    const name = (flat[i] ?? '').toLowerCase()
    if (isHopByHop(name) || namedByConnection(name, connection) || name === 'upgrade' || name === 'transfer-encoding') continue
    out.push(name, flat[i + 1] ?? '')
  }
  return out
}

/** A whole HTTP/1.1 response Sluice made (an error page) as a header list and its body. */
export function splitMadeResponse(page: Buffer): { headers: RawHeaderList; body: Buffer } {
  const head = parseResponseHead(page, 0, page.length)
  if (head === null || !('status' in head) || !('headers' in head)) return { headers: [':status', '500'], body: Buffer.alloc(0) }
  return { headers: responseHeaderList(head), body: page.subarray(head.headBytes) }
}

/** Trailer fields received in a chunked body (`name: value` lines) as an HTTP/2 header list. */
export function trailerList(section: Buffer): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {}
  for (const line of section.toString('latin1').split('\r\n')) {
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    out[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  return out
}

/** The client connection preface (RFC 9113 §3.4), as h2c with prior knowledge starts. */
const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1')

/** True when `buf` begins with (a prefix of, when shorter) the HTTP/2 connection preface. */
export function startsWithHttp2Preface(buf: Buffer): boolean {
  const n = Math.min(buf.length, PREFACE.length)
  return n >= 3 && buf.compare(PREFACE, 0, n, 0, n) === 0
}

/** gRPC status codes for the HTTP statuses of Sluice's error pages (as gRPC maps HTTP statuses). */
const GRPC_CODE_OF_STATUS: Readonly<Record<number, number>> = {
  400: 13, // INTERNAL
  401: 16, // UNAUTHENTICATED
  403: 7, // PERMISSION_DENIED
  404: 12, // UNIMPLEMENTED
  429: 14, // UNAVAILABLE
  502: 14,
  503: 14,
  504: 14,
}

/** The head of a trailers-only gRPC answer for a failure Sluice would answer with `status`. */
export function grpcFailure(status: number): OutgoingHttpHeaders {
  return {
    ':status': 200,
    'content-type': 'application/grpc',
    'grpc-status': String(GRPC_CODE_OF_STATUS[status] ?? 2),
    'grpc-message': `Sluice: HTTP ${String(status)}`,
  }
}
