/**
 * Sluice's own session cookie for generations: `<generation>.<id>.<issued>.<signature>`, where
 * `issued` is when it was last set (seconds since the epoch) and the signature is an HMAC of the
 * rest with the store's key. The cookie alone says where a session belongs and whether it is
 * still alive, so it holds in every worker, over reloads and over restarts.
 * @module
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/** What a valid cookie says. */
export interface SessionCookie {
  readonly generation: string
  readonly id: string
  readonly issuedS: number
}

/** Characters a generation name may have (checked by the configuration), so dots split safely. */
export const GENERATION_NAME = /^[A-Za-z0-9_-]{1,64}$/
const ID = /^[A-Za-z0-9_-]{16}$/
/** Signature length (base64url characters of the first 16 bytes of an HMAC-SHA256). */
const SIG_CHARS = 22

function sign(secret: Buffer, text: string): string {
  return createHmac('sha256', secret).update(text).digest().subarray(0, 16).toString('base64url')
}

/** A new session's identity: 12 random bytes. */
export function newSessionId(): string {
  return randomBytes(12).toString('base64url')
}

export function encodeSessionCookie(secret: Buffer, c: SessionCookie): string {
  const text = `${c.generation}.${c.id}.${String(c.issuedS)}`
  return `${text}.${sign(secret, text)}`
}

/** The cookie's content, or null when it is malformed or its signature does not match. */
export function decodeSessionCookie(secret: Buffer, value: string): SessionCookie | null {
  if (value.length > 128) return null
  const parts = value.split('.')
  if (parts.length !== 4) return null
  const [generation = '', id = '', issued = '', sig = ''] = parts
  if (!GENERATION_NAME.test(generation) || !ID.test(id) || !/^\d{1,12}$/.test(issued) || sig.length !== SIG_CHARS) return null
  if (!timingSafeEqual(Buffer.from(sign(secret, `${generation}.${id}.${issued}`)), Buffer.from(sig))) return null
  return { generation, id, issuedS: Number(issued) }
}
