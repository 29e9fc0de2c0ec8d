/**
 * A node's response body as response rules read it (http.getResponseBody): decoded from the
 * Content-Encoding the node applied (gzip, deflate, br, zstd), as TrafficScript promises. The
 * body is already whole in memory; its decoded form is bounded so that a small compressed body
 * cannot make Sluice allocate without limit.
 * @module
 */
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync, zstdDecompressSync } from 'node:zlib'
import { equalsLower } from './syntax.ts'

/** The largest decoded body a rule is given; a body that decodes larger is given as received. */
export const MAX_DECODED_BODY_BYTES = 16 * 1024 * 1024

function contentEncoding(headers: readonly string[]): string {
  for (let i = 0; i < headers.length; i += 2) {
    if (equalsLower(headers[i] ?? '', 'content-encoding')) return (headers[i + 1] ?? '').trim().toLowerCase()
  }
  return ''
}

function decode(body: Buffer, coding: string): Buffer {
  const options = { maxOutputLength: MAX_DECODED_BODY_BYTES }
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(body, options)
    case 'deflate':
      // RFC 9110 says zlib-wrapped; some servers send the raw form.
      try {
        return inflateSync(body, options)
      } catch {
        return inflateRawSync(body, options)
      }
    case 'br':
      return brotliDecompressSync(body, options)
    case 'zstd':
      return zstdDecompressSync(body, options)
    default:
      return body
  }
}

/**
 * `body` decoded per the response's Content-Encoding. A coding Sluice does not know, a body
 * that does not decode, or one that decodes past MAX_DECODED_BODY_BYTES is given as received.
 */
export function decodedBody(body: Buffer, headers: readonly string[]): Buffer {
  const coding = contentEncoding(headers)
  if (coding === '' || coding === 'identity' || body.length === 0) return body
  try {
    return decode(body, coding)
  } catch {
    return body
  }
}
