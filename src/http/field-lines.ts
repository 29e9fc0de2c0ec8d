/**
 * Parses the field lines of a message head (shared by requests and responses) and records the
 * fields that decide framing and connection handling.
 * @module
 */
import { HEAD_ERRORS, type HeadError } from './head-error.ts'
import { IS_FIELD_CHAR, IS_TCHAR, equalsLower, listTokensLower, trimOws } from './syntax.ts'

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
  /** Lower-cased tokens of the Connection field(s), or null when absent. */
  connection: readonly string[] | null
  upgrade: string
  expectContinue: boolean
  /**
   * A field a proxy must remove or rewrite was seen (hop-by-hop fields of RFC 9110 §7.6.1 and
   * the forwarding fields Sluice manages). When false the head can be forwarded as received.
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

function connectionTokens(value: string): readonly string[] {
  if (equalsLower(value, 'keep-alive')) return KEEP_ALIVE
  if (equalsLower(value, 'close')) return CLOSE
  return listTokensLower(value)
}

function namesFraming(tokens: readonly string[]): boolean {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]
    if (t === 'content-length' || t === 'transfer-encoding' || t === 'host') return true
  }
  return false
}

/** Parses `value` as 1*DIGIT; -1 if malformed (RFC 9110 §8.6: no sign, no list, no spaces). */
function parseContentLength(value: string): number {
  if (value.length === 0 || value.length > MAX_SAFE_DIGITS) return -1
  let n = 0
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i) - 0x30
    if (c < 0 || c > 9) return -1
    n = n * 10 + c
  }
  return n
}

/**
 * Parses field lines in `s` from `pos` up to the empty line that ends the head.
 * `s` holds the whole head including its final CRLF CRLF. Returns an error or null.
 */
export function parseFieldLines(s: string, pos: number, facts: FieldFacts, maxFields: number): HeadError | null {
  let fields = 0
  for (;;) {
    const eol = s.indexOf('\r\n', pos)
    if (eol === -1) return HEAD_ERRORS.bareCr
    if (eol === pos) return null
    const first = s.charCodeAt(pos)
    if (first === 0x20 || first === 0x09) return HEAD_ERRORS.obsFold
    let colon = pos
    while (colon < eol && IS_TCHAR[s.charCodeAt(colon)] === 1) colon++
    if (colon === pos || colon === eol || s.charCodeAt(colon) !== 0x3a) {
      const c = s.charCodeAt(colon)
      return c === 0x0d || c === 0x0a ? HEAD_ERRORS.bareCr : HEAD_ERRORS.badFieldName
    }
    for (let i = colon + 1; i < eol; i++) {
      if (IS_FIELD_CHAR[s.charCodeAt(i)] !== 1) {
        const c = s.charCodeAt(i)
        return c === 0x0d || c === 0x0a ? HEAD_ERRORS.bareCr : HEAD_ERRORS.badFieldValue
      }
    }
    if (fields >= maxFields) return HEAD_ERRORS.tooManyHeaders
    fields++
    // Only the fields that decide framing and connection handling are looked at (and sliced).
    if (mayMatter(s, pos, colon)) {
      const problem = noteField(s.slice(pos, colon), valueOf(s, colon, eol), facts)
      if (problem !== null) return problem
    }
    pos = eol + 2
  }
}

/** The value of the field line whose colon is at `colon` and which ends at `eol`, OWS trimmed. */
function valueOf(s: string, colon: number, eol: number): string {
  let from = colon + 1
  let to = eol
  while (from < to && (s.charCodeAt(from) === 0x20 || s.charCodeAt(from) === 0x09)) from++
  while (to > from && (s.charCodeAt(to - 1) === 0x20 || s.charCodeAt(to - 1) === 0x09)) to--
  return s.slice(from, to)
}

/** Could the field named `s[start..end)` be one noteField records? By length and first letter. */
function mayMatter(s: string, start: number, end: number): boolean {
  const c = s.charCodeAt(start) | 0x20
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

/** Records the framing-relevant fields; the switch on length keeps ordinary fields cheap. */
function noteField(name: string, value: string, facts: FieldFacts): HeadError | null {
  switch (name.length) {
    case 2:
      if (equalsLower(name, 'te')) facts.needsRewrite = true
      return null
    case 4:
      if (equalsLower(name, 'host')) {
        facts.hostCount++
        facts.host = value
      }
      return null
    case 6:
      if (equalsLower(name, 'expect') && equalsLower(value, '100-continue')) facts.expectContinue = true
      return null
    case 7:
      if (equalsLower(name, 'upgrade')) {
        facts.upgrade = value
        facts.needsRewrite = true
      }
      return null
    case 10:
      if (equalsLower(name, 'connection')) {
        const tokens = connectionTokens(value)
        // A hop-by-hop Content-Length, Transfer-Encoding or Host would be removed on the way
        // while Sluice still frames by it: the next hop would read the body as another message.
        if (tokens !== KEEP_ALIVE && tokens !== CLOSE && namesFraming(tokens)) return HEAD_ERRORS.connectionNamesFraming
        facts.connection = facts.connection === null ? tokens : facts.connection.concat(tokens)
        facts.needsRewrite = true
      } else if (equalsLower(name, 'keep-alive')) {
        facts.needsRewrite = true
      }
      return null
    case 14:
      if (equalsLower(name, 'content-length')) {
        if (facts.contentLength !== -1) return HEAD_ERRORS.repeatedContentLength
        const n = parseContentLength(value)
        if (n < 0) return HEAD_ERRORS.badContentLength
        facts.contentLength = n
      }
      return null
    case 15:
      if (equalsLower(name, 'x-forwarded-for')) facts.needsRewrite = true
      return null
    case 16:
      if (equalsLower(name, 'proxy-connection')) facts.needsRewrite = true
      return null
    case 17:
      if (equalsLower(name, 'transfer-encoding')) return noteTransferEncoding(value, facts)
      if (equalsLower(name, 'x-forwarded-proto')) facts.needsRewrite = true
      return null
    case 19:
      if (equalsLower(name, 'x-cluster-client-ip')) facts.needsRewrite = true
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
