/**
 * Builds the heads Sluice sends: requests to nodes and responses to clients. The common case
 * (no hop-by-hop fields, nothing to strip) reuses the received head text untouched.
 * @module
 */
import type { ForwardingSettings } from '../snapshot/index.ts'
import type { RequestHead } from './request-head.ts'
import type { ResponseHead } from './response-head.ts'
import { TLS_HEADER_NAMES } from '../tls/index.ts'
import { bytesEqualLower, equalsLower, equalsLowerDashed } from './syntax.ts'

const NO_FIELDS: readonly string[] = []

/** RFC 9110 §7.6.1: fields that describe one connection and are never forwarded. */
export function isHopByHop(name: string): boolean {
  switch (name.length) {
    case 2:
      return equalsLower(name, 'te')
    case 10:
      return equalsLower(name, 'connection') || equalsLower(name, 'keep-alive')
    case 16:
      return equalsLower(name, 'proxy-connection')
    default:
      return false
  }
}

export function namedByConnection(name: string, tokens: readonly string[] | null): boolean {
  if (tokens === null) return false
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] ?? ''
    if (t !== 'close' && t !== 'keep-alive' && t !== 'upgrade' && equalsLower(name, t)) return true
  }
  return false
}

/** Lower-cased names of the TLS fields Sluice adds; a client's own copies are never forwarded. */
const TLS_FIELD_NAMES: ReadonlySet<string> = new Set(TLS_HEADER_NAMES.map((n) => n.toLowerCase()))

/**
 * The request head for the node. `isUpgrade` keeps Upgrade and asks for it again;
 * `keepNodeAlive` false adds `Connection: close`. `tlsFields` (flat name, value list) describes
 * a decrypted client connection (vTM `ssl.client_cert_headers`, `ssl.add_http_headers`).
 */
export function buildNodeRequestHead(
  head: RequestHead,
  settings: ForwardingSettings,
  clientIp: string,
  scheme: string,
  isUpgrade: boolean,
  keepNodeAlive: boolean,
  tlsFields: readonly string[] = NO_FIELDS,
): string {
  let extra = ''
  if (settings.addClusterIp) extra += 'X-Cluster-Client-Ip: ' + clientIp + '\r\n'
  if (settings.addXForwardedProto) extra += 'X-Forwarded-Proto: ' + scheme + '\r\n'
  for (let i = 0; i < tlsFields.length; i += 2) extra += (tlsFields[i] ?? '') + ': ' + (tlsFields[i + 1] ?? '') + '\r\n'
  if (!head.needsRewrite && tlsFields.length === 0 && (keepNodeAlive || head.versionMinor === 0)) {
    if (settings.addXForwardedFor) extra += 'X-Forwarded-For: ' + clientIp + '\r\n'
    return extra === '' ? head.raw : head.raw.slice(0, -2) + extra + '\r\n'
  }
  let out = head.method + ' ' + head.target + (head.versionMinor === 1 ? ' HTTP/1.1\r\n' : ' HTTP/1.0\r\n')
  let forwardedFor = ''
  const h = head.headers
  for (let i = 0; i < h.length; i += 2) {
    const name = h[i] ?? ''
    const value = h[i + 1] ?? ''
    if (isHopByHop(name) || namedByConnection(name, head.connection)) continue
    if (tlsFields.length !== 0 && TLS_FIELD_NAMES.has(name.toLowerCase().replaceAll('_', '-'))) continue
    if (name.length === 7 && !isUpgrade && equalsLower(name, 'upgrade')) continue
    // The fields Sluice sets are also removed when spelt with `_` (see equalsLowerDashed).
    if (name.length === 19 && settings.addClusterIp && equalsLowerDashed(name, 'x-cluster-client-ip')) continue
    if (name.length === 17 && settings.stripXForwardedProto && equalsLowerDashed(name, 'x-forwarded-proto')) continue
    if (name.length === 15 && settings.addXForwardedFor && equalsLowerDashed(name, 'x-forwarded-for')) {
      // Only the proper spelling is a list Sluice extends; another one is dropped.
      if (!name.includes('_')) forwardedFor = forwardedFor === '' ? value : forwardedFor + ', ' + value
      continue
    }
    out += name + ': ' + value + '\r\n'
  }
  if (settings.addXForwardedFor) {
    extra += 'X-Forwarded-For: ' + (forwardedFor === '' ? clientIp : forwardedFor + ', ' + clientIp) + '\r\n'
  }
  if (isUpgrade) extra += 'Connection: Upgrade\r\n'
  else if (!keepNodeAlive && head.versionMinor === 1) extra += 'Connection: close\r\n'
  return out + extra + '\r\n'
}

/** How the client connection continues after this response. */
export const CLIENT_KEEP = 0
export const CLIENT_CLOSE = 1
/** HTTP/1.0 client that asked for keep-alive: must be told it got it. */
export const CLIENT_KEEP_10 = 2
export const CLIENT_UPGRADE = 3

/**
 * Whether the field named `buf[start..end)` is left out of a response to a client whose
 * connection stays open (CLIENT_KEEP): connection-specific fields and Upgrade. Reads the name in
 * the buffer, so the header list is never built for it.
 */
export function isDroppedForKeptClient(res: ResponseHead, buf: Buffer, start: number, end: number): boolean {
  switch (end - start) {
    case 2:
      if (bytesEqualLower(buf, start, end, 'te')) return true
      break
    case 7:
      if (bytesEqualLower(buf, start, end, 'upgrade')) return true
      break
    case 10:
      if (bytesEqualLower(buf, start, end, 'connection') || bytesEqualLower(buf, start, end, 'keep-alive')) return true
      break
    case 16:
      if (bytesEqualLower(buf, start, end, 'proxy-connection')) return true
      break
  }
  const tokens = res.connection
  if (tokens === null) return false
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] ?? ''
    if (t !== 'close' && t !== 'keep-alive' && t !== 'upgrade' && bytesEqualLower(buf, start, end, t)) return true
  }
  return false
}

/**
 * An interim (1xx) response head for an HTTP/1.1 client: without hop-by-hop fields, Upgrade, and
 * the framing fields a 1xx must not carry (RFC 9110 §8.6, RFC 9112 §6.1), since it has no
 * content and a client that believed them would read the next response as its body.
 */
export function buildInterimResponseHead(res: ResponseHead): string {
  let out = 'HTTP/1.1 ' + String(res.status) + ' ' + res.reason + '\r\n'
  const h = res.headers
  for (let i = 0; i < h.length; i += 2) {
    const name = h[i] ?? ''
    if (isHopByHop(name) || namedByConnection(name, res.connection) || equalsLower(name, 'upgrade')) continue
    if (equalsLower(name, 'transfer-encoding') || equalsLower(name, 'content-length')) continue
    out += name + ': ' + (h[i + 1] ?? '') + '\r\n'
  }
  return out + '\r\n'
}

/** The response head for the client. */
export function buildClientResponseHead(res: ResponseHead, mode: number): string {
  if (!res.needsRewrite && mode === CLIENT_KEEP && res.versionMinor === 1) return res.raw
  let out = 'HTTP/1.1 ' + String(res.status) + ' ' + res.reason + '\r\n'
  const h = res.headers
  for (let i = 0; i < h.length; i += 2) {
    const name = h[i] ?? ''
    if (isHopByHop(name) || namedByConnection(name, res.connection)) continue
    if (name.length === 7 && mode !== CLIENT_UPGRADE && equalsLower(name, 'upgrade')) continue
    out += name + ': ' + (h[i + 1] ?? '') + '\r\n'
  }
  if (mode === CLIENT_CLOSE) out += 'Connection: close\r\n'
  else if (mode === CLIENT_KEEP_10) out += 'Connection: keep-alive\r\n'
  else if (mode === CLIENT_UPGRADE) out += 'Connection: Upgrade\r\n'
  return out + '\r\n'
}
