/**
 * Answers a request from a stored response: the stored fields with a current Age, the body
 * (none for HEAD), 304 Not Modified when the client's conditional request matches
 * (RFC 9110 §13.1.2, §13.1.3), or the ranges a Range request asks for (cache-range.ts).
 * @module
 */
import type { Exchange } from './exchange.ts'
import type { HttpService } from '../snapshot/index.ts'
import { fieldValue } from './field-value.ts'
import type { StoredResponse } from './cache-policy.ts'
import type { RequestHead } from './request-head.ts'
import { rangeAnswer, rangeBody } from './cache-range.ts'
import { replaceField } from './cache-control.ts'
import { randomBytes } from 'node:crypto'

/** Fields a 304 carries from the stored response (RFC 9110 §15.4.5). */
const NOT_MODIFIED_FIELDS: ReadonlySet<string> = new Set(['cache-control', 'content-location', 'date', 'etag', 'expires', 'vary', 'last-modified'])

/** The opaque tag without its weak marker, for weak comparison. */
function opaque(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag
}

/** Whether the client's validators match the stored response, so 304 is the answer. */
export function isNotModified(req: RequestHead, entry: StoredResponse): boolean {
  const inm = fieldValue(req.headers, 'if-none-match')
  if (inm !== null) {
    if (inm.trim() === '*') return true
    if (entry.etag === null) return false
    const mine = opaque(entry.etag)
    return inm.split(',').some((t) => opaque(t.trim()) === mine)
  }
  const ims = fieldValue(req.headers, 'if-modified-since')
  if (ims === null) return false
  const since = Date.parse(ims)
  const modified = Number.isNaN(entry.lastModifiedMs) ? Date.parse(fieldValue(entry.headers, 'date') ?? '') : entry.lastModifiedMs
  return !Number.isNaN(since) && !Number.isNaN(modified) && modified <= since
}

/** Sends the stored response (or 304) for the exchange's request and ends the exchange. */
export function answerFromCache(ex: Exchange, entry: StoredResponse, ageS: number): void {
  const req = ex.req as RequestHead
  const svc = ex.svc as HttpService
  const controlOut = svc.cache?.controlOut ?? ''
  const notModified = isNotModified(req, entry)
  const headers: string[] = []
  const stored = entry.headers
  for (let i = 0; i < stored.length; i += 2) {
    const name = stored[i] ?? ''
    const lower = name.toLowerCase()
    if (notModified && !NOT_MODIFIED_FIELDS.has(lower)) continue
    if (controlOut !== '' && lower === 'cache-control') continue
    headers.push(name, stored[i + 1] ?? '')
  }
  if (controlOut !== '') headers.push('Cache-Control', controlOut)
  headers.push('Age', String(Math.floor(ageS)))
  for (const [name, value] of ex.rules?.decision.addResponseHeaders ?? []) headers.push(name, value)
  let status = notModified ? 304 : entry.status
  let reason = notModified ? 'Not Modified' : entry.reason
  let whole: Buffer = entry.body
  const range = notModified ? null : rangeAnswer(req, entry, svc.cache?.maxRanges ?? 1)
  if (range?.kind === 'unsatisfiable') {
    status = 416
    reason = 'Range Not Satisfiable'
    whole = Buffer.alloc(0)
    headers.push('Content-Range', `bytes */${String(entry.body.length)}`)
  } else if (range?.kind === 'ranges') {
    const part = rangeBody(entry, range.ranges, randomBytes(12).toString('hex'))
    status = 206
    reason = 'Partial Content'
    whole = part.body
    if (part.contentType !== null) replaceField(headers, 'Content-Type', part.contentType)
    if (part.contentRange !== null) headers.push('Content-Range', part.contentRange)
  }
  const body = notModified || req.method === 'HEAD' ? null : whole
  if (!notModified) headers.push('Content-Length', String(whole.length))
  const close = ex.down.mustClose(req, svc)
  ex.down.sendMade(status, reason, headers, body, req, close)
  ex.bytesOut += body === null ? 0 : body.length
  ex.finish(status, { headers }, close)
}
