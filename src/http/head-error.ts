/**
 * Why a message head was refused. Instances are preallocated: rejecting hostile traffic must be
 * as cheap as accepting good traffic.
 * @module
 */

export interface HeadError {
  /** Status for a request error (400, 414, 431); responses from nodes always become 502. */
  readonly status: 400 | 414 | 431
  /** Short reason for logs and counters. */
  readonly reason: string
}

function headError(status: 400 | 414 | 431, reason: string): HeadError {
  return Object.freeze({ status, reason })
}

export const HEAD_ERRORS = {
  badStartLine: headError(400, 'malformed start line'),
  badMethod: headError(400, 'invalid method'),
  badTarget: headError(400, 'invalid request target'),
  badVersion: headError(400, 'unsupported HTTP version'),
  bareCr: headError(400, 'bare CR or LF in head'),
  obsFold: headError(400, 'obsolete line folding'),
  badFieldName: headError(400, 'invalid header field name'),
  badFieldValue: headError(400, 'invalid character in header field value'),
  badContentLength: headError(400, 'malformed Content-Length'),
  repeatedContentLength: headError(400, 'repeated Content-Length'),
  badTransferEncoding: headError(400, 'Transfer-Encoding other than a final chunked'),
  lengthAndChunked: headError(400, 'both Content-Length and Transfer-Encoding'),
  missingHost: headError(400, 'missing Host header'),
  repeatedHost: headError(400, 'repeated Host header'),
  badHost: headError(400, 'invalid Host header'),
  chunkedInHttp10: headError(400, 'Transfer-Encoding in an HTTP/1.0 message'),
  connectionNamesFraming: headError(400, 'Connection names a framing field (Content-Length, Transfer-Encoding or Host)'),
  uriTooLong: headError(414, 'request line too long'),
  headersTooLarge: headError(431, 'request header fields too large'),
  tooManyHeaders: headError(431, 'too many header fields'),
  badStatus: headError(400, 'malformed status line'),
} as const
