/**
 * Parses the field lines of a message head (shared by requests and responses) and records the
 * fields that decide framing and connection handling.
 * @module
 */
import { HEAD_ERRORS, type HeadError } from './head-error.ts'
import { IS_TCHAR, bytesEqualLower, bytesEqualLowerDashed, isValidHost, listTokensLower, trimOws } from './syntax.ts'

/** Framing and connection facts gathered while parsing fields. */
export interface FieldFacts {
  /**
   * Flat list: name, value, name, value... Names keep the sender's case. Built from `raw` when
   * first read (most proxied messages never need it), then kept and edited in place.
   */
  headers: string[]
  /** Where the field lines begin in `raw`. */
  readonly fieldsAt: number
  /** -1 when absent. */
  contentLength: number
  /** Transfer-Encoding ends in chunked (the only coding we accept). */
  isChunked: boolean
  hasTransferEncoding: boolean
  hostCount: number
  host: string
  /** A Host value is not host[:port] (RFC 9110 §7.2). */
  badHost: boolean
  /** Lower-cased tokens of the Connection field(s), or null when absent. */
  connection: readonly string[] | null
  upgrade: string
  expectContinue: boolean
  /**
   * A field a proxy must remove or rewrite was seen (hop-by-hop fields of RFC 9110 §7.6.1 and
   * the forwarding fields Sluice manages, also when spelt with `_`). When false the head can be
   * forwarded as received.
   */
  needsRewrite: boolean
  /** The whole head as a latin1 string, including the final empty line. */
  raw: string
}

/**
 * The fields every parsed head has: framing facts filled in by parseFieldLines, and the header
 * list, built from `raw` when first read.
 */
export class ParsedFields implements FieldFacts {
  contentLength = -1
  isChunked = false
  hasTransferEncoding = false
  hostCount = 0
  host = ''
  badHost = false
  connection: readonly string[] | null = null
  upgrade = ''
  expectContinue = false
  needsRewrite = false
  readonly raw: string
  readonly fieldsAt: number
  #headers: string[] | null = null

  constructor(raw: string, fieldsAt: number) {
    this.raw = raw
    this.fieldsAt = fieldsAt
  }

  get headers(): string[] {
    this.#headers ??= listFields(this.raw, this.fieldsAt)
    return this.#headers
  }

  set headers(list: string[]) {
    this.#headers = list
  }
}

const MAX_SAFE_DIGITS = 15

// The two Connection values nearly every message carries, shared instead of parsed each time.
const KEEP_ALIVE: readonly string[] = Object.freeze(['keep-alive'])
const CLOSE: readonly string[] = Object.freeze(['close'])

function namesFraming(tokens: readonly string[]): boolean {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]
    if (t === 'content-length' || t === 'transfer-encoding' || t === 'host') return true
  }
  return false
}

/** Parses `buf[from..to)` as 1*DIGIT; -1 if malformed (RFC 9110 §8.6: no sign, no list, no spaces). */
function parseContentLength(buf: Buffer, from: number, to: number): number {
  if (to === from || to - from > MAX_SAFE_DIGITS) return -1
  let n = 0
  for (let i = from; i < to; i++) {
    const c = (buf[i] ?? 0) - 0x30
    if (c < 0 || c > 9) return -1
    n = n * 10 + c
  }
  return n
}

/**
 * Parses field lines in `s` from `pos` up to the empty line that ends the head.
 * `s` holds the whole head including its final CRLF CRLF, and is `buf[base..]` read as latin1:
 * characters are checked in the buffer, which is about three times quicker than reading them
 * from the string, and the string is only sliced. Returns an error or null.
 */
export function parseFieldLines(s: string, buf: Buffer, base: number, pos: number, facts: FieldFacts, maxFields: number): HeadError | null {
  let fields = 0
  // One pass per line: the name's characters up to the colon, the value's up to the CRLF. Past
  // the end of the buffer a read gives undefined, which no check accepts, and the head ends
  // with CRLF CRLF anyway.
  let p = base + pos
  for (;;) {
    const first = buf[p]
    if (first === 0x0d) return buf[p + 1] === 0x0a ? null : HEAD_ERRORS.bareCr
    if (first === 0x20 || first === 0x09) return HEAD_ERRORS.obsFold
    let colon = p
    while (IS_TCHAR[buf[colon] ?? 0] === 1) colon++
    if (colon === p || buf[colon] !== 0x3a) {
      const c = buf[colon]
      return c === 0x0d || c === 0x0a ? HEAD_ERRORS.bareCr : HEAD_ERRORS.badFieldName
    }
    let eol = colon + 1
    // field-vchar, SP, HTAB and obs-text (IS_FIELD_CHAR), as comparisons.
    let c = buf[eol] ?? 0
    while (c >= 0x20 ? c !== 0x7f : c === 0x09) c = buf[++eol] ?? 0
    if (c !== 0x0d || buf[eol + 1] !== 0x0a) return c === 0x0d || c === 0x0a ? HEAD_ERRORS.bareCr : HEAD_ERRORS.badFieldValue
    if (fields >= maxFields) return HEAD_ERRORS.tooManyHeaders
    fields++
    // Only the fields that decide framing and connection handling are looked at (and sliced).
    if (mayMatter(buf, p, colon)) {
      const problem = noteField(s, buf, base, p, colon, eol, facts)
      if (problem !== null) return problem
    }
    p = eol + 2
  }
}

const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1')

/**
 * Bytes converted to a string before looking for the end of a head. Heads are rarely longer, and
 * searching the string spares a Buffer search; a read with a long head, or a head and a large
 * body, falls back to searching the buffer.
 */
const HEAD_PROBE_BYTES = 2048

/**
 * The head at `buf[start..end)` as a latin1 string, from its first byte up to and including the
 * CRLF CRLF that ends it; null when that has not arrived yet.
 */
export function headString(buf: Buffer, start: number, end: number): string | null {
  const probeEnd = end - start > HEAD_PROBE_BYTES ? start + HEAD_PROBE_BYTES : end
  const probe = buf.toString('latin1', start, probeEnd)
  const at = probe.indexOf('\r\n\r\n')
  if (at !== -1) return at + 4 === probe.length ? probe : probe.slice(0, at + 4)
  if (probeEnd === end) return null
  const headEnd = buf.indexOf(CRLFCRLF, probeEnd - 3)
  return headEnd === -1 || headEnd + 4 > end ? null : buf.toString('latin1', start, headEnd + 4)
}

/** The value of the field line whose colon is at `colon` and which ends at `eol`, OWS trimmed. */
function valueOf(s: string, colon: number, eol: number): string {
  let from = colon + 1
  let to = eol
  while (from < to && (s.charCodeAt(from) === 0x20 || s.charCodeAt(from) === 0x09)) from++
  while (to > from && (s.charCodeAt(to - 1) === 0x20 || s.charCodeAt(to - 1) === 0x09)) to--
  return s.slice(from, to)
}

/** Could the field named `buf[start..end)` be one noteField records? By length and first letter. */
function mayMatter(buf: Buffer, start: number, end: number): boolean {
  const c = (buf[start] ?? 0) | 0x20
  switch (end - start) {
    case 2:
      return c === 0x74 // te
    case 4:
      return c === 0x68 // host
    case 6:
      return c === 0x65 // expect
    case 7:
      return c === 0x75 // upgrade
    case 10:
      return c === 0x63 || c === 0x6b // connection, keep-alive
    case 14:
      return c === 0x63 // content-length
    case 15:
    case 19:
      return c === 0x78 // x-forwarded-for, x-cluster-client-ip
    case 16:
      return c === 0x70 // proxy-connection
    case 17:
      return c === 0x74 || c === 0x78 // transfer-encoding, x-forwarded-proto
    default:
      return false
  }
}

/** The flat name, value list of the field lines of `raw` from `from` (a head that parsed). */
export function listFields(raw: string, from: number): string[] {
  const out: string[] = []
  let pos = from
  for (;;) {
    const eol = raw.indexOf('\r\n', pos)
    if (eol === -1 || eol === pos) return out
    const colon = raw.indexOf(':', pos)
    out.push(raw.slice(pos, colon), valueOf(raw, colon, eol))
    pos = eol + 2
  }
}

/**
 * The field line whose name starts at `buf[name]`, with its colon at `colon` and its CRLF at
 * `eol` (positions in `buf`; `s` is `buf[base..]` as latin1). Records what matters for framing
 * and connection handling; the switch on the name's length keeps ordinary fields cheap, and
 * values are sliced from `s` only when kept.
 */
function noteField(s: string, buf: Buffer, base: number, name: number, colon: number, eol: number, facts: FieldFacts): HeadError | null {
  // The value without its optional whitespace: buf[from..to).
  let from = colon + 1
  while (from < eol && (buf[from] === 0x20 || buf[from] === 0x09)) from++
  let to = eol
  while (to > from && (buf[to - 1] === 0x20 || buf[to - 1] === 0x09)) to--
  switch (colon - name) {
    case 2:
      if (bytesEqualLower(buf, name, colon, 'te')) facts.needsRewrite = true
      return null
    case 4:
      if (bytesEqualLower(buf, name, colon, 'host')) {
        facts.hostCount++
        facts.host = s.slice(from - base, to - base)
        if (!isValidHost(buf, from, to)) facts.badHost = true
      }
      return null
    case 6:
      if (bytesEqualLower(buf, name, colon, 'expect') && bytesEqualLower(buf, from, to, '100-continue')) facts.expectContinue = true
      return null
    case 7:
      if (bytesEqualLower(buf, name, colon, 'upgrade')) {
        facts.upgrade = s.slice(from - base, to - base)
        facts.needsRewrite = true
      }
      return null
    case 10:
      if (bytesEqualLower(buf, name, colon, 'connection')) {
        const tokens =
          bytesEqualLower(buf, from, to, 'keep-alive')
            ? KEEP_ALIVE
            : bytesEqualLower(buf, from, to, 'close')
              ? CLOSE
              : listTokensLower(s.slice(from - base, to - base))
        // A hop-by-hop Content-Length, Transfer-Encoding or Host would be removed on the way
        // while Sluice still frames by it: the next hop would read the body as another message.
        if (tokens !== KEEP_ALIVE && tokens !== CLOSE && namesFraming(tokens)) return HEAD_ERRORS.connectionNamesFraming
        facts.connection = facts.connection === null ? tokens : facts.connection.concat(tokens)
        facts.needsRewrite = true
      } else if (bytesEqualLower(buf, name, colon, 'keep-alive')) {
        facts.needsRewrite = true
      }
      return null
    case 14:
      if (bytesEqualLower(buf, name, colon, 'content-length')) {
        if (facts.contentLength !== -1) return HEAD_ERRORS.repeatedContentLength
        const n = parseContentLength(buf, from, to)
        if (n < 0) return HEAD_ERRORS.badContentLength
        facts.contentLength = n
      }
      return null
    case 15:
      if (bytesEqualLowerDashed(buf, name, colon, 'x-forwarded-for')) facts.needsRewrite = true
      return null
    case 16:
      if (bytesEqualLower(buf, name, colon, 'proxy-connection')) facts.needsRewrite = true
      return null
    case 17:
      if (bytesEqualLower(buf, name, colon, 'transfer-encoding')) return noteTransferEncoding(s.slice(from - base, to - base), facts)
      if (bytesEqualLowerDashed(buf, name, colon, 'x-forwarded-proto')) facts.needsRewrite = true
      return null
    case 19:
      if (bytesEqualLowerDashed(buf, name, colon, 'x-cluster-client-ip')) facts.needsRewrite = true
      return null
    default:
      return null
  }
}

/** RFC 9112 §6.1: chunked must be the final coding and must appear once. */
function noteTransferEncoding(value: string, facts: FieldFacts): HeadError | null {
  if (facts.isChunked) return HEAD_ERRORS.badTransferEncoding
  const codings = listTokensLower(trimOws(value))
  if (codings.length === 0) return HEAD_ERRORS.badTransferEncoding
  for (let i = 0; i < codings.length; i++) {
    const coding = codings[i] ?? ''
    for (let j = 0; j < coding.length; j++) {
      if (IS_TCHAR[coding.charCodeAt(j)] !== 1) return HEAD_ERRORS.badTransferEncoding
    }
    if (coding === 'chunked' && i !== codings.length - 1) return HEAD_ERRORS.badTransferEncoding
  }
  if (codings[codings.length - 1] !== 'chunked') return HEAD_ERRORS.badTransferEncoding
  facts.hasTransferEncoding = true
  facts.isChunked = true
  return null
}
