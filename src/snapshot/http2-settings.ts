/**
 * A virtual server's HTTP/2 settings (vTM section `http2`), built once per snapshot. The
 * settings object is handed to node:http2 as it is, so a session costs no per-request work to
 * configure.
 * @module
 */
import type { VirtualServerProperties } from '../config/index.ts'

const SECOND_MS = 1000

/** What the HTTP/2 codec applies to a client connection. */
export interface Http2Settings {
  /** SETTINGS sent to the client (node:http2 names). */
  readonly settings: {
    readonly maxConcurrentStreams: number
    readonly initialWindowSize: number
    readonly maxFrameSize: number
    readonly headerTableSize: number
    readonly maxHeaderListSize: number
    readonly enablePush: false
  }
  /** Largest decoded header list accepted; 0 = the built-in bound of 256 KiB. */
  readonly maxHeaderListBytes: number
  /** vTM `http2.idle_timeout_no_streams` in ms; 0 = none. */
  readonly idleNoStreamsMs: number
  /** vTM `http2.idle_timeout_open_streams` in ms; 0 = none. */
  readonly idleOpenStreamsMs: number
  /** vTM `http2.connect_timeout` (or `basic.connect_timeout` when 0) in ms: time for a first request. */
  readonly firstRequestMs: number
  /** vTM `http2.merge_cookie_headers`: cookie fields of a request go to the node as one line. */
  readonly mergeCookies: boolean
}

/** The built-in bound on a decoded header list when `headers_size_limit` is 0 (no limit in vTM). */
const DEFAULT_HEADER_LIST_BYTES = 262144

/** The virtual server's HTTP/2 settings, or null when `http2.enabled` is off. */
export function buildHttp2Settings(vs: VirtualServerProperties): Http2Settings | null {
  const h = vs.http2
  if (!h.enabled) return null
  const headerList = h.headers_size_limit > 0 ? h.headers_size_limit : DEFAULT_HEADER_LIST_BYTES
  return Object.freeze({
    settings: Object.freeze({
      maxConcurrentStreams: h.max_concurrent_streams,
      initialWindowSize: h.stream_window_size,
      maxFrameSize: h.max_frame_size,
      headerTableSize: h.header_table_size,
      maxHeaderListSize: headerList,
      enablePush: false as const,
    }),
    maxHeaderListBytes: headerList,
    idleNoStreamsMs: h.idle_timeout_no_streams * SECOND_MS,
    idleOpenStreamsMs: h.idle_timeout_open_streams * SECOND_MS,
    firstRequestMs: (h.connect_timeout > 0 ? h.connect_timeout : vs.basic.connect_timeout) * SECOND_MS,
    mergeCookies: h.merge_cookie_headers,
  })
}
