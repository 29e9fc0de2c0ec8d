/**
 * Strict parser for response heads from nodes. A node that sends something ambiguous gets the
 * same treatment as a hostile client: the transaction fails with 502 and nothing is forwarded.
 * @module
 */
import { HEAD_ERRORS, type HeadError } from './head-error.ts'
import { ParsedFields, headString, parseFieldLines, type FieldFacts } from './field-lines.ts'

export interface ResponseHead extends FieldFacts {
  status: number
  reason: string
  versionMinor: number
  headBytes: number
}

const MAX_RESPONSE_HEAD_BYTES = 65536
const MAX_RESPONSE_FIELDS = 200

/** Parses a response head at `buf[start..end)`: the head, a HeadError, or null for "need more". */
export function parseResponseHead(buf: Buffer, start: number, end: number): ResponseHead | HeadError | null {
  const s = headString(buf, start, end)
  if (s === null) return end - start > MAX_RESPONSE_HEAD_BYTES ? HEAD_ERRORS.headersTooLarge : null
  // The limit holds whether or not the end of the head arrived in the same read.
  if (s.length > MAX_RESPONSE_HEAD_BYTES) return HEAD_ERRORS.headersTooLarge
  const lineEnd = s.indexOf('\r\n')
  // status-line = HTTP-version SP 3DIGIT SP [ reason-phrase ]; a missing SP before an empty
  // reason is common enough in the wild to accept.
  if (lineEnd < 12 || !s.startsWith('HTTP/1.', 0) || s.charCodeAt(8) !== 0x20) return HEAD_ERRORS.badStatus
  const minor = s.charCodeAt(7) - 0x30
  if (minor !== 0 && minor !== 1) return HEAD_ERRORS.badStatus
  let status = 0
  for (let i = 9; i < 12; i++) {
    const d = s.charCodeAt(i) - 0x30
    if (d < 0 || d > 9) return HEAD_ERRORS.badStatus
    status = status * 10 + d
  }
  if (status < 100) return HEAD_ERRORS.badStatus
  if (lineEnd > 12 && s.charCodeAt(12) !== 0x20) return HEAD_ERRORS.badStatus
  for (let i = 13; i < lineEnd; i++) {
    const c = s.charCodeAt(i)
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return HEAD_ERRORS.badStatus
  }
  const reason = lineEnd > 13 ? s.slice(13, lineEnd) : ''
  const head = new ParsedResponseHead(status, reason, minor, s.length, s, lineEnd + 2)
  const problem = parseFieldLines(s, buf, start, lineEnd + 2, head, MAX_RESPONSE_FIELDS)
  if (problem !== null) return problem
  if (head.hasTransferEncoding && head.contentLength !== -1) return HEAD_ERRORS.lengthAndChunked
  return head
}

/** A response head as parsed. */
class ParsedResponseHead extends ParsedFields implements ResponseHead {
  status: number
  reason: string
  versionMinor: number
  headBytes: number

  constructor(status: number, reason: string, versionMinor: number, headBytes: number, raw: string, fieldsAt: number) {
    super(raw, fieldsAt)
    this.status = status
    this.reason = reason
    this.versionMinor = versionMinor
    this.headBytes = headBytes
  }
}
