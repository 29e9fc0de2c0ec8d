/**
 * string.*: URL, HTML, base64 and hex encodings, digests, encryption and random bytes.
 * @module
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'
import type { FunctionSpec, LibraryModule } from '../registry.ts'
import { fromBytes, intArg, str, toBytes } from './args.ts'

function hexByte(c: number): string {
  return '%' + c.toString(16).toUpperCase().padStart(2, '0')
}

function digest(alg: string): FunctionSpec {
  return { min: 1, max: 1, fn: (_s, a) => fromBytes(createHash(alg).update(toBytes(str(a, 0))).digest()) }
}

/** %XX and %uXXXX decoding; %u code points become UTF-8 bytes. */
function unescape(s: string): string {
  return s.replace(/%u([0-9a-fA-F]{4})|%([0-9a-fA-F]{2})/g, (_m, u: string | undefined, x: string | undefined) => {
    if (u !== undefined) return fromBytes(Buffer.from(String.fromCharCode(Number.parseInt(u, 16)), 'utf8'))
    return String.fromCharCode(Number.parseInt(x ?? '0', 16))
  })
}

const HTML_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\xa0' }

function htmlDecode(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (m, e: string) => {
    if (e.startsWith('#')) {
      const cp = e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10)
      if (!Number.isFinite(cp) || cp > 0x10ffff) return m
      return cp < 0x80 ? String.fromCharCode(cp) : fromBytes(Buffer.from(String.fromCodePoint(cp), 'utf8'))
    }
    const key = e.toLowerCase()
    const named = Object.hasOwn(HTML_ENTITIES, key) ? HTML_ENTITIES[key] : undefined
    return named === undefined ? m : named
  })
}

/** Key derivation for string.encrypt: a digest of the passphrase (our own format, not the original's). */
function keyOf(pass: string): Buffer {
  return createHash('sha256').update(toBytes(pass)).digest()
}

/** Most bytes string.randomBytes returns in one call. */
const MAX_RANDOM_BYTES = 65536

export const stringCodecModule: LibraryModule = {
  functions: {
    'string.urlencode': { min: 1, max: 1, fn: (_s, a) => str(a, 0).replace(/[^A-Za-z0-9._-]/g, (c) => hexByte(c.charCodeAt(0) & 0xff)) },
    'string.urlencodeExceptReserved': {
      min: 1, max: 1,
      fn: (_s, a) => str(a, 0).replace(/[^A-Za-z0-9._~:/?#[\]@!$&'()*+,;=%-]/g, (c) => hexByte(c.charCodeAt(0) & 0xff)),
    },
    'string.unescape': { min: 1, max: 1, fn: (_s, a) => unescape(str(a, 0)) },
    'string.escape': { min: 1, max: 1, fn: (_s, a) => str(a, 0).replace(/[\x00-\x20%\x7f-\xff]/g, (c) => hexByte(c.charCodeAt(0))) },
    'string.htmlencode': {
      min: 1, max: 1,
      fn: (_s, a) => str(a, 0).replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;')),
    },
    'string.htmldecode': { min: 1, max: 1, fn: (_s, a) => htmlDecode(str(a, 0)) },
    'string.base64encode': { min: 1, max: 1, fn: (_s, a) => toBytes(str(a, 0)).toString('base64') },
    'string.base64decode': { min: 1, max: 1, fn: (_s, a) => fromBytes(Buffer.from(str(a, 0), 'base64')) },
    'string.hexencode': { min: 1, max: 1, fn: (_s, a) => toBytes(str(a, 0)).toString('hex') },
    'string.hexdecode': {
      min: 1, max: 1,
      fn: (_s, a) => {
        const t = str(a, 0).replace(/[^0-9a-fA-F]/g, '')
        return fromBytes(Buffer.from(t.length % 2 === 0 ? t : '0' + t, 'hex'))
      },
    },
    'string.hashMD5': digest('md5'),
    'string.hashSHA1': digest('sha1'),
    'string.hashSHA256': digest('sha256'),
    'string.hashSHA384': digest('sha384'),
    'string.hashSHA512': digest('sha512'),
    'string.hash': {
      min: 1, max: 1,
      fn: (_s, a) => {
        // FNV-1a, 32-bit, signed: documented as not stable across releases, so any good hash will do.
        const t = str(a, 0)
        let h = 0x811c9dc5
        for (let i = 0; i < t.length; i++) h = Math.imul(h ^ (t.charCodeAt(i) & 0xff), 0x01000193)
        return h | 0
      },
    },
    'string.encrypt': {
      min: 2, max: 2,
      fn: (_s, a) => {
        const iv = randomBytes(12)
        const c = createCipheriv('aes-256-gcm', keyOf(str(a, 1)), iv)
        const body = Buffer.concat([c.update(toBytes(str(a, 0))), c.final()])
        return fromBytes(Buffer.concat([iv, c.getAuthTag(), body]))
      },
    },
    'string.decrypt': {
      min: 2, max: 2,
      fn: (_s, a) => {
        const buf = toBytes(str(a, 0))
        if (buf.length < 28) return ''
        try {
          const d = createDecipheriv('aes-256-gcm', keyOf(str(a, 1)), buf.subarray(0, 12))
          d.setAuthTag(buf.subarray(12, 28))
          return fromBytes(Buffer.concat([d.update(buf.subarray(28)), d.final()]))
        } catch {
          // Wrong passphrase or tampered data: the documented result is "".
          return ''
        }
      },
    },
    'string.randomBytes': {
      min: 1, max: 1,
      fn: (_s, a) => fromBytes(randomBytes(Math.min(MAX_RANDOM_BYTES, Math.max(0, intArg(a, 0))))),
    },
  },
}
