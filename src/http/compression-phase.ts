/**
 * The compression response phase: decides whether a response is compressed for this client,
 * rewrites its head (Content-Encoding, Vary, ETag, no Content-Length or Accept-Ranges) and sends
 * its body through a CompressBody transform. The decision follows RFC 9110: a response that is
 * already encoded, marked `no-transform`, partial, bodiless, or the answer to HEAD or to a Range
 * request goes out as the node sent it.
 * @module
 */
import { chooseCoding } from './accept-encoding.ts'
import { CompressBody } from './compress-body.ts'
import { CompressWholeBody } from './compress-whole-body.ts'
import type { Exchange } from './exchange.ts'
import type { CompressionSettings, ContentCoding, EtagRewrite, HttpService } from '../snapshot/index.ts'
import { BODY_NONE } from './message-body.ts'
import { CLIENT_CLOSE } from './outgoing-head.ts'
import { CONTINUE, type PhaseResult } from './phases.ts'
import type { RequestHead } from './request-head.ts'
import type { ResponseHead } from './response-head.ts'
import { equalsLower } from './syntax.ts'
import { fieldValue } from './field-value.ts'


function hasToken(list: string | null, lower: string): boolean {
  if (list === null) return false
  for (const part of list.split(',')) if (part.trim().toLowerCase() === lower) return true
  return false
}

/** The media type of a Content-Type value, lower case and without parameters. */
function mediaType(value: string): string {
  const semi = value.indexOf(';')
  return (semi === -1 ? value : value.slice(0, semi)).trim().toLowerCase()
}

function mimeMatches(c: CompressionSettings, contentType: string | null): boolean {
  if (contentType === null) return false
  const type = mediaType(contentType)
  if (c.mimeExact.has(type)) return true
  for (const prefix of c.mimePrefixes) if (type.startsWith(prefix)) return true
  return false
}

/**
 * Whether this response may be compressed at all, whatever the client accepts. `forced`
 * (http.compress.enable) skips the virtual server's type and size limits, never the HTTP rules.
 */
function mayCompress(ex: Exchange, c: CompressionSettings, req: RequestHead, res: ResponseHead, length: number, forced: boolean): boolean {
  if (req.method === 'HEAD' || ex.leg.relay.body.framing === BODY_NONE) return false
  if (res.status < 200 || res.status === 204 || res.status === 206 || res.status === 304) return false
  const h = res.headers
  const encoding = fieldValue(h, 'content-encoding')
  if (encoding !== null && encoding.trim().toLowerCase() !== 'identity') return false
  if (hasToken(fieldValue(h, 'cache-control'), 'no-transform')) return false
  if (fieldValue(req.headers, 'range') !== null) return false
  if (forced) return length !== 0
  if (!mimeMatches(c, fieldValue(h, 'content-type'))) return false
  if (length < 0) return c.noSize
  return length > 0 && length >= c.minSize && (c.maxSize === 0 || length <= c.maxSize)
}

/** Adds Accept-Encoding to the response's Vary, unless it is there already (or Vary is `*`); true when it did. */
function varyOnAcceptEncoding(res: ResponseHead): boolean {
  const h = res.headers
  let last = -1
  for (let i = 0; i < h.length; i += 2) {
    if (!equalsLower(h[i] ?? '', 'vary')) continue
    const v = h[i + 1] ?? ''
    if (hasToken(v, 'accept-encoding') || hasToken(v, '*')) return false
    last = i
  }
  if (last === -1) h.push('Vary', 'Accept-Encoding')
  else h[last + 1] = (h[last + 1] ?? '').trim() === '' ? 'Accept-Encoding' : `${h[last + 1] ?? ''}, Accept-Encoding`
  res.needsRewrite = true
  return true
}

const STRONG_TAG = /^"([^"]*)"$/
const WEAK_TAG = /^W\/"([^"]*)"$/

/**
 * The ETag of the compressed representation (vTM `etag_rewrite`): `wrap` keeps the node's tag
 * recognisable and distinct (`"abc"` → `"abc-gzip"`), `weaken` marks it weak, `delete` drops
 * it, `ignore` leaves it. A malformed tag is dropped rather than wrapped.
 */
export function rewriteEtag(etag: string, how: EtagRewrite, coding: ContentCoding): string | null {
  const value = etag.trim()
  switch (how) {
    case 'ignore':
      return etag
    case 'delete':
      return null
    case 'weaken':
      return WEAK_TAG.test(value) ? value : STRONG_TAG.test(value) ? 'W/' + value : null
    case 'wrap': {
      const weak = WEAK_TAG.exec(value)
      if (weak !== null) return `W/"${weak[1] ?? ''}-${coding}"`
      const strong = STRONG_TAG.exec(value)
      return strong === null ? null : `"${strong[1] ?? ''}-${coding}"`
    }
  }
}

/** Sets Content-Encoding, rewrites ETag, drops Accept-Ranges (ranges of the encoded form are not offered). */
function markEncoded(res: ResponseHead, coding: ContentCoding, how: EtagRewrite): void {
  const h = res.headers
  for (let i = h.length - 2; i >= 0; i -= 2) {
    const name = h[i] ?? ''
    if (equalsLower(name, 'content-encoding') || equalsLower(name, 'accept-ranges')) {
      h.splice(i, 2)
    } else if (equalsLower(name, 'etag')) {
      const tag = rewriteEtag(h[i + 1] ?? '', how, coding)
      if (tag === null) h.splice(i, 2)
      else h[i + 1] = tag
    }
  }
  h.push('Content-Encoding', coding)
  res.needsRewrite = true
}

/** Runs the compression phase: never waits. */
export function compressionPhase(ex: Exchange, res: ResponseHead): PhaseResult {
  const svc = ex.svc as HttpService
  const c = svc.compression
  const req = ex.req
  if (c === null || req === null) return CONTINUE
  const ruled = ex.rules?.decision.compress ?? null
  if (ruled === 'disable' || (!c.enabled && ruled !== 'enable')) return CONTINUE
  // A body a rule set (http.setResponseBody) is compressed in its turn.
  const replaced = ex.rules?.responseBodyOverride ?? null
  const length = replaced === null ? (res.isChunked ? -1 : res.contentLength) : replaced.length
  if (!mayCompress(ex, c, req, res, length, ruled === 'enable')) return CONTINUE
  // From here the response depends on Accept-Encoding, whether or not this client gets it encoded.
  if (varyOnAcceptEncoding(res)) ex.transformed.headEdited = true
  const coding = chooseCoding(fieldValue(req.headers, 'accept-encoding'), c.codings)
  if (coding === null) return CONTINUE
  // A small body of known length is compressed whole and goes out with its new length. A
  // streamed one has no length known in advance: chunked for HTTP/1.1, otherwise until the
  // connection closes; without `chunk`, only a response that ends its connection anyway streams.
  const whole = length > 0 && length <= c.wholeMaxBytes[coding]
  if (!whole && !c.chunk && ex.down.responseMode(req, svc, false, ex.reqDone) !== CLIENT_CLOSE) return CONTINUE
  markEncoded(res, coding, c.etagRewrite)
  ex.transformed.use(whole ? new CompressWholeBody(coding, c, length) : new CompressBody(coding, c))
  return CONTINUE
}
