/**
 * Strict HTTP/1.1 request head parser (RFC 9112 §2-§3, §6). Anything ambiguous is an error:
 * a traffic manager that forwards what a node might read differently enables smuggling.
 * @module
 */
import type { HeadLimits } from '../snapshot/index.ts'
import { HEAD_ERRORS, type HeadError } from './head-error.ts'
import { ParsedFields, headString, parseFieldLines, type FieldFacts } from './field-lines.ts'
import { applyRequestTarget } from './request-target.ts'
import { IS_TARGET_CHAR, IS_TCHAR } from './syntax.ts'

export interface RequestHead extends FieldFacts {
  method: string
  target: string
  /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
  versionMinor: number
  /** Bytes of the head, including the empty line. */
  headBytes: number
}

/** The head is not complete yet and no limit is exceeded: read more. */
export const NEED_MORE = null

/**
 * Parses a request head at `buf[start..end)`. Returns the head, a HeadError, or NEED_MORE.
 * Leading empty lines before a request are tolerated (RFC 9112 §2.2) only as CRLF pairs.
 */
export function parseRequestHead(
  buf: Buffer,
  start: number,
  end: number,
  limits: HeadLimits,
): RequestHead | HeadError | typeof NEED_MORE {
  // Skipped empty lines count as part of the head: for its length (so what follows is found
  // where it is) and for its limits (so endless CRLFs cannot grow the buffer without bound).
  const from = start
  while (end - start >= 2 && buf[start] === 0x0d && buf[start + 1] === 0x0a) start += 2
  const s = headString(buf, start, end)
  if (s === null) {
    const available = end - from
    const lineEnd = buf.indexOf(0x0a, start)
    if ((lineEnd === -1 || lineEnd >= end) && end - start > limits.maxRequestLineBytes) return HEAD_ERRORS.uriTooLong
    if (available > limits.maxHeadBytes) return HEAD_ERRORS.headersTooLarge
    return NEED_MORE
  }
  const headBytes = start - from + s.length
  if (headBytes > limits.maxHeadBytes) return HEAD_ERRORS.headersTooLarge
  const lineEnd = s.indexOf('\r\n')
  if (lineEnd > limits.maxRequestLineBytes) return HEAD_ERRORS.uriTooLong

  let i = 0
  while (i < lineEnd && IS_TCHAR[s.charCodeAt(i)] === 1) i++
  if (i === 0 || s.charCodeAt(i) !== 0x20) return i === 0 ? HEAD_ERRORS.badMethod : startLineError(s, i)
  const method = s.slice(0, i)
  const targetStart = ++i
  while (i < lineEnd && IS_TARGET_CHAR[s.charCodeAt(i)] === 1) i++
  if (i === targetStart || s.charCodeAt(i) !== 0x20) return i === targetStart ? HEAD_ERRORS.badTarget : startLineError(s, i)
  const target = s.slice(targetStart, i)
  i++
  if (lineEnd - i !== 8 || !s.startsWith('HTTP/1.', i)) return startLineError(s, i)
  const minor = s.charCodeAt(i + 7) - 0x30
  if (minor !== 0 && minor !== 1) return HEAD_ERRORS.badVersion

  // One literal with every field keeps a single hidden class for all request heads.
  const head = new ParsedRequestHead(method, target, minor, headBytes, s, lineEnd + 2)
  const problem = parseFieldLines(s, buf, start, lineEnd + 2, head, limits.maxFields)
  if (problem !== null) return problem
  return checkRequestFraming(head)
}

/** A request head as parsed. */
class ParsedRequestHead extends ParsedFields implements RequestHead {
  method: string
  target: string
  versionMinor: number
  headBytes: number

  constructor(method: string, target: string, versionMinor: number, headBytes: number, raw: string, fieldsAt: number) {
    super(raw, fieldsAt)
    this.method = method
    this.target = target
    this.versionMinor = versionMinor
    this.headBytes = headBytes
  }
}

function startLineError(s: string, at: number): HeadError {
  const c = s.charCodeAt(at)
  if (c === 0x0d || c === 0x0a) return HEAD_ERRORS.bareCr
  return HEAD_ERRORS.badStartLine
}

function checkRequestFraming(head: RequestHead): RequestHead | HeadError {
  if (head.hasTransferEncoding) {
    if (head.contentLength !== -1) return HEAD_ERRORS.lengthAndChunked
    if (head.versionMinor === 0) return HEAD_ERRORS.chunkedInHttp10
  }
  if (head.hostCount > 1) return HEAD_ERRORS.repeatedHost
  if (head.hostCount === 0 && head.versionMinor === 1) return HEAD_ERRORS.missingHost
  if (head.badHost) return HEAD_ERRORS.badHost
  // Anything but origin-form (a target starting with "/") is rare: absolute-form is rewritten.
  if (head.target.charCodeAt(0) !== 0x2f) return applyRequestTarget(head) ?? head
  return head
}

/** True for a HeadError (as opposed to a parsed head). */
export function isHeadError(x: object): x is HeadError {
  return 'status' in x && 'reason' in x && !('headers' in x)
}
