/**
 * Trailer fields Sluice does not forward. RFC 9110 §6.5.1: fields that frame the message, route
 * it, modify the request, authenticate, control the response or describe the content are only
 * meaningful in the header section, and a recipient that merged them from trailers could be
 * steered by them. The forwarding fields Sluice sets itself are dropped for the same reason.
 * Names are matched case-insensitively with `_` taken as `-`.
 * @module
 */
import { TLS_HEADER_NAMES } from '../tls/index.ts'

const DROPPED: ReadonlySet<string> = new Set([
  // Framing and connection handling.
  'content-length',
  'transfer-encoding',
  'trailer',
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'upgrade',
  // Routing and request modifiers.
  'host',
  'expect',
  'max-forwards',
  'range',
  'if-match',
  'if-none-match',
  'if-modified-since',
  'if-unmodified-since',
  'if-range',
  // Authentication and state.
  'authorization',
  'proxy-authorization',
  'www-authenticate',
  'proxy-authenticate',
  'cookie',
  'set-cookie',
  // Response control data.
  'age',
  'cache-control',
  'expires',
  'date',
  'location',
  'retry-after',
  'vary',
  'pragma',
  // Content format.
  'content-encoding',
  'content-type',
  'content-range',
  // Fields Sluice adds for nodes.
  'x-cluster-client-ip',
  'x-forwarded-for',
  'x-forwarded-proto',
  ...TLS_HEADER_NAMES.map((n) => n.toLowerCase()),
])

/** Whether a trailer field named `name` is dropped. */
export function isDroppedTrailer(name: string): boolean {
  return DROPPED.has(name.toLowerCase().replaceAll('_', '-'))
}

/**
 * A received trailer section (field lines, each ending in CRLF, then CRLF; already validated)
 * without the fields that are not forwarded. Returns `section` itself when none is dropped.
 */
export function filterTrailerSection(section: Buffer): Buffer {
  const text = section.toString('latin1')
  let kept = ''
  let dropped = false
  let pos = 0
  for (;;) {
    const eol = text.indexOf('\r\n', pos)
    if (eol === -1 || eol === pos) break
    const line = text.slice(pos, eol + 2)
    if (isDroppedTrailer(line.slice(0, line.indexOf(':')))) dropped = true
    else kept += line
    pos = eol + 2
  }
  return dropped ? Buffer.from(kept + '\r\n', 'latin1') : section
}
