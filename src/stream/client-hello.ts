/**
 * Reads the server name (SNI, RFC 6066 §3) and the offered session ID from a TLS ClientHello,
 * and the session ID from a node's ServerHello, without decrypting anything: for SSL
 * pass-through virtual servers that route by the name the client asked for, and keep a resumed
 * TLS session on its node (`ssl` persistence).
 * @module
 */

/**
 * What the bytes so far say: a name (empty when the client sent none) and the session ID the
 * client offers to resume (hex; empty for a new session), wait for more, or not TLS.
 */
export type ServerNameResult =
  | { readonly status: 'ok'; readonly name: string; readonly sessionId: string }
  | { readonly status: 'incomplete' }
  | { readonly status: 'invalid' }

/** The bytes so far are a valid prefix of a ClientHello; wait for more. */
export const HELLO_INCOMPLETE: ServerNameResult = Object.freeze({ status: 'incomplete' })
/** The bytes cannot be the start of a TLS ClientHello. */
export const HELLO_INVALID: ServerNameResult = Object.freeze({ status: 'invalid' })

/** Largest ClientHello accepted, across records (a real one is well under this). */
export const MAX_CLIENT_HELLO_BYTES = 65536

const RECORD_HANDSHAKE = 0x16
const HANDSHAKE_CLIENT_HELLO = 0x01
const EXT_SERVER_NAME = 0x0000
const NAME_TYPE_HOST = 0x00

/**
 * The host name in the ClientHello at the start of `data` (empty when the client sent none),
 * HELLO_INCOMPLETE when more bytes are needed, HELLO_INVALID when it is not TLS. Never throws.
 */
export function readServerName(data: Buffer): ServerNameResult {
  const handshake = handshakeBytes(data)
  if (!Buffer.isBuffer(handshake)) return handshake
  if (handshake.length < 4) return HELLO_INCOMPLETE
  if (handshake[0] !== HANDSHAKE_CLIENT_HELLO) return HELLO_INVALID
  const bodyLength = handshake.readUIntBE(1, 3)
  if (bodyLength > MAX_CLIENT_HELLO_BYTES) return HELLO_INVALID
  if (handshake.length < 4 + bodyLength) return HELLO_INCOMPLETE
  return parseClientHello(handshake.subarray(4, 4 + bodyLength))
}

/** Joins the payloads of the leading handshake records. */
function handshakeBytes(data: Buffer): Buffer | ServerNameResult {
  const parts: Buffer[] = []
  let offset = 0
  let total = 0
  while (offset < data.length) {
    if (data.length - offset < 5) break
    if (data[offset] !== RECORD_HANDSHAKE || data[offset + 1] !== 0x03) return HELLO_INVALID
    const length = data.readUInt16BE(offset + 3)
    if (length === 0 || length > 16384 + 2048) return HELLO_INVALID
    const end = offset + 5 + length
    parts.push(data.subarray(offset + 5, Math.min(end, data.length)))
    total += Math.min(end, data.length) - offset - 5
    if (total > MAX_CLIENT_HELLO_BYTES) return HELLO_INVALID
    if (end > data.length) break
    offset = end
  }
  if (parts.length === 0) {
    // Fewer than 5 bytes: check what is there.
    if (data.length > 0 && data[0] !== RECORD_HANDSHAKE) return HELLO_INVALID
    if (data.length > 1 && data[1] !== 0x03) return HELLO_INVALID
    return HELLO_INCOMPLETE
  }
  return parts.length === 1 ? (parts[0] ?? Buffer.alloc(0)) : Buffer.concat(parts)
}

function parseClientHello(body: Buffer): ServerNameResult {
  // legacy_version(2) random(32) session_id<0..32> cipher_suites<2..2^16-2> compression<1..2^8-1>
  const p = 34
  if (body.length < p + 1) return HELLO_INVALID
  const idLength = body[p] ?? 0
  if (idLength > 32 || body.length < p + 1 + idLength) return HELLO_INVALID
  const sessionId = body.toString('hex', p + 1, p + 1 + idLength)
  const found = parseRest(body, p + 1 + idLength)
  return found.status === 'ok' ? { status: 'ok', name: found.name, sessionId } : found
}

function parseRest(body: Buffer, from: number): ServerNameResult {
  let p = from
  const NO_NAME: ServerNameResult = { status: 'ok', name: '', sessionId: '' }
  if (body.length < p + 2) return HELLO_INVALID
  p += 2 + body.readUInt16BE(p)
  if (body.length < p + 1) return HELLO_INVALID
  p += 1 + (body[p] ?? 0)
  if (p === body.length) return NO_NAME
  if (body.length < p + 2) return HELLO_INVALID
  const extEnd = p + 2 + body.readUInt16BE(p)
  if (extEnd > body.length) return HELLO_INVALID
  p += 2
  while (p + 4 <= extEnd) {
    const type = body.readUInt16BE(p)
    const length = body.readUInt16BE(p + 2)
    p += 4
    if (p + length > extEnd) return HELLO_INVALID
    if (type === EXT_SERVER_NAME) return hostName(body.subarray(p, p + length))
    p += length
  }
  return p === extEnd ? NO_NAME : HELLO_INVALID
}

function hostName(ext: Buffer): ServerNameResult {
  if (ext.length < 2) return HELLO_INVALID
  const listEnd = 2 + ext.readUInt16BE(0)
  if (listEnd > ext.length) return HELLO_INVALID
  let p = 2
  while (p + 3 <= listEnd) {
    const type = ext[p]
    const length = ext.readUInt16BE(p + 1)
    p += 3
    if (p + length > listEnd) return HELLO_INVALID
    if (type === NAME_TYPE_HOST) {
      const name = ext.toString('latin1', p, p + length)
      // RFC 6066: a DNS host name, ASCII, no trailing dot; anything else is not routable.
      return /^[A-Za-z0-9_.-]{1,253}$/.test(name) ? { status: 'ok', name: name.toLowerCase(), sessionId: '' } : HELLO_INVALID
    }
    p += length
  }
  return { status: 'ok', name: '', sessionId: '' }
}

const HANDSHAKE_SERVER_HELLO = 0x02
const EXT_SUPPORTED_VERSIONS = 0x002b

/**
 * The session ID in the ServerHello at the start of a node's answer (hex): the session the node
 * made or resumed, for `ssl` persistence on pass-through virtual servers. '' when the node sent
 * none or negotiated TLS 1.3 (whose session ID only echoes the client's and names no session);
 * null when more bytes are needed; undefined when it is not a ServerHello. Never throws.
 */
export function readServerHelloSessionId(data: Buffer): string | null | undefined {
  const handshake = handshakeBytes(data)
  if (!Buffer.isBuffer(handshake)) return handshake.status === 'incomplete' ? null : undefined
  if (handshake.length < 4) return null
  if (handshake[0] !== HANDSHAKE_SERVER_HELLO) return undefined
  const bodyLength = handshake.readUIntBE(1, 3)
  if (bodyLength > MAX_CLIENT_HELLO_BYTES) return undefined
  if (handshake.length < 4 + bodyLength) return null
  const body = handshake.subarray(4, 4 + bodyLength)
  // legacy_version(2) random(32) session_id<0..32> cipher_suite(2) compression(1) extensions
  const idLength = body[34]
  if (idLength === undefined || idLength > 32 || body.length < 35 + idLength + 3) return undefined
  const id = body.toString('hex', 35, 35 + idLength)
  let p = 35 + idLength + 3
  if (p + 2 <= body.length) {
    const end = Math.min(body.length, p + 2 + body.readUInt16BE(p))
    p += 2
    while (p + 4 <= end) {
      const type = body.readUInt16BE(p)
      const length = body.readUInt16BE(p + 2)
      if (type === EXT_SUPPORTED_VERSIONS && length === 2 && body.readUInt16BE(p + 4) === 0x0304) return ''
      p += 4 + length
    }
  }
  return id
}
