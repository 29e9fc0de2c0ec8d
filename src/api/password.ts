/**
 * Password hashes for API users: scrypt with a random salt, stored as
 * `scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>`.
 * @module
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'

const N = 16384
const R = 8
const P = 1
const KEY_BYTES = 32

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_BYTES, { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 }, (e, key) => {
      if (e === null) resolve(key)
      else reject(e)
    })
  })
}

/** Hashes a password with a fresh 16-byte salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await derive(password, salt, N, R, P)
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`
}

/** Whether `hash` is a well-formed scrypt hash this module can check. */
export function isPasswordHash(hash: string): boolean {
  return parse(hash) !== undefined
}

/** Checks a password against a stored hash; false for malformed hashes. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const parsed = parse(hash)
  if (parsed === undefined) return false
  const key = await derive(password, parsed.salt, parsed.n, parsed.r, parsed.p)
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key)
}

function parse(hash: string): { n: number; r: number; p: number; salt: Buffer; key: Buffer } | undefined {
  const parts = hash.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined
  const [n, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])]
  // Bounds keep a hostile users file from asking for gigabytes of memory.
  if (!Number.isInteger(n) || n < 2 || n > 1 << 20 || (n & (n - 1)) !== 0) return undefined
  if (!Number.isInteger(r) || r < 1 || r > 32 || !Number.isInteger(p) || p < 1 || p > 16) return undefined
  const salt = Buffer.from(parts[4] ?? '', 'base64')
  const key = Buffer.from(parts[5] ?? '', 'base64')
  if (salt.length < 8 || key.length < 16) return undefined
  return { n, r, p, salt, key }
}
