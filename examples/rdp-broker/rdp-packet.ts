/**
 * The first packet of an RDP connection, as far as the broker cares: a TPKT header (RFC 1006)
 * around an X.224 Connection Request (ISO 8073 class 0) whose user data starts with the
 * `Cookie: mstshash=<user>\r\n` routing token, optionally followed by an RDP negotiation request.
 * @module
 */

/** TPKT version 3, then a reserved byte, then the 16-bit big-endian length of the whole packet. */
function tpkt(payload: Buffer): Buffer {
  const head = Buffer.from([3, 0, 0, 0])
  head.writeUInt16BE(payload.length + 4, 2)
  return Buffer.concat([head, payload])
}

/** An RDP connection request from `user`. `negotiate` appends an RDP_NEG_REQ asking for TLS. */
export function connectionRequest(user: string, negotiate = true): Buffer {
  const cookie = Buffer.from(`Cookie: mstshash=${user}\r\n`, 'latin1')
  // Type 1 (RDP_NEG_REQ), flags 0, length 8, requested protocols: TLS (1), little-endian.
  const neg = negotiate ? Buffer.from([1, 0, 8, 0, 1, 0, 0, 0]) : Buffer.alloc(0)
  // X.224 CR: length indicator, CR code 0xE0, destination and source references, class 0.
  const fixed = Buffer.from([0, 0xe0, 0, 0, 0, 0, 0])
  const x224 = Buffer.concat([fixed, cookie, neg])
  x224[0] = x224.length - 1
  return tpkt(x224)
}

/** An X.224 Connection Confirm, as a desktop answers a connection request. */
export function connectionConfirm(): Buffer {
  return tpkt(Buffer.from([6, 0xd0, 0, 0, 0x12, 0x34, 0]))
}

/** The user name in a connection request, or null when there is no complete routing token. */
export function userOf(packet: Buffer): string | null {
  const match = /mstshash=([^\r\n]*)\r\n/.exec(packet.toString('latin1'))
  return match === null ? null : (match[1] ?? '').trim()
}
