/**
 * Range requests answered from a stored full response (RFC 9110 §14): one range as 206 with
 * Content-Range, several as multipart/byteranges, none satisfiable as 416; If-Range sends the
 * whole response when the client's copy is not the stored one.
 * @module
 */
import { fieldValue } from './field-value.ts'
import type { StoredResponse } from './cache-policy.ts'
import type { RequestHead } from './request-head.ts'

/** What a Range request gets: the whole response, 416, or these byte ranges (inclusive ends). */
export type RangeAnswer = { readonly kind: 'whole' } | { readonly kind: 'unsatisfiable' } | { readonly kind: 'ranges'; readonly ranges: readonly (readonly [number, number])[] }

const WHOLE: RangeAnswer = Object.freeze({ kind: 'whole' })
const UNSATISFIABLE: RangeAnswer = Object.freeze({ kind: 'unsatisfiable' })

/** How `req`'s Range (if any) applies to `entry`, allowing at most `maxRanges` ranges. */
export function rangeAnswer(req: RequestHead, entry: StoredResponse, maxRanges: number): RangeAnswer {
  const range = fieldValue(req.headers, 'range')
  if (range === null || req.method !== 'GET' || entry.status !== 200) return WHOLE
  if (!ifRangeMatches(req, entry)) return WHOLE
  const m = /^\s*bytes\s*=\s*(.+)$/i.exec(range)
  // Another unit, or a malformed header, is ignored (RFC 9110 §14.2).
  if (m === null) return WHOLE
  const length = entry.body.length
  const ranges: [number, number][] = []
  const specs = (m[1] ?? '').split(',')
  if (specs.length > maxRanges) return UNSATISFIABLE
  for (const raw of specs) {
    const spec = raw.trim()
    if (spec === '') continue
    const r = /^(\d*)-(\d*)$/.exec(spec)
    if (r === null || (r[1] === '' && r[2] === '')) return WHOLE
    if (r[1] === '') {
      const suffix = Number(r[2])
      if (suffix > 0 && length > 0) ranges.push([Math.max(0, length - suffix), length - 1])
      continue
    }
    const first = Number(r[1])
    const last = r[2] === '' ? length - 1 : Number(r[2])
    if (last < first) return WHOLE
    if (first < length) ranges.push([first, Math.min(last, length - 1)])
  }
  return ranges.length === 0 ? UNSATISFIABLE : { kind: 'ranges', ranges }
}

/** If-Range: a strong ETag match, or the exact Last-Modified date; true when absent. */
function ifRangeMatches(req: RequestHead, entry: StoredResponse): boolean {
  const v = fieldValue(req.headers, 'if-range')
  if (v === null) return true
  if (v.startsWith('"') || v.startsWith('W/')) return entry.etag !== null && !entry.etag.startsWith('W/') && v === entry.etag
  return !Number.isNaN(entry.lastModifiedMs) && Date.parse(v) === entry.lastModifiedMs
}

/** The body and fields of a 206 for `ranges` of `entry`: one part, or multipart/byteranges. */
export function rangeBody(entry: StoredResponse, ranges: readonly (readonly [number, number])[], boundary: string): { body: Buffer; contentType: string | null; contentRange: string | null } {
  const body = entry.body
  const length = body.length
  const only = ranges.length === 1 ? ranges[0] : undefined
  if (only !== undefined) {
    return { body: body.subarray(only[0], only[1] + 1), contentType: null, contentRange: `bytes ${String(only[0])}-${String(only[1])}/${String(length)}` }
  }
  const type = fieldValue(entry.headers, 'content-type')
  const parts: Buffer[] = []
  for (const [first, last] of ranges) {
    let head = `\r\n--${boundary}\r\n`
    if (type !== null) head += `Content-Type: ${type}\r\n`
    head += `Content-Range: bytes ${String(first)}-${String(last)}/${String(length)}\r\n\r\n`
    parts.push(Buffer.from(head, 'latin1'), body.subarray(first, last + 1))
  }
  parts.push(Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1'))
  return { body: Buffer.concat(parts), contentType: `multipart/byteranges; boundary=${boundary}`, contentRange: null }
}
