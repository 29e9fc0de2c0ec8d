/**
 * What the request log needs to know about one finished transaction.
 * @module
 */

/**
 * One completed HTTP transaction as the request log sees it.
 *
 * The HTTP transaction implements this itself (plain fields it already has, plus two header
 * lookups), so logging a request allocates nothing until the line is formatted. Strings are the
 * values as received: the log formatters escape them, never the implementer.
 */
export interface RequestLogRecord {
  /** Client IP address as text (`203.0.113.7`, `2001:db8::1`). */
  readonly clientIp: string
  /** User name from authentication, or null when none. */
  readonly remoteUser: string | null
  /** Wall-clock time the request started, in milliseconds since the epoch. */
  readonly startWallMs: number
  /** Request method as received (`GET`). */
  readonly method: string
  /** Raw request target as received (`/path?query`, or absolute-form `http://host/path`). */
  readonly target: string
  /** Protocol token as received (`HTTP/1.1`). */
  readonly httpVersion: string
  /** Status code sent to the client (0 when no response was sent). */
  readonly status: number
  /** Request body bytes received from the client. */
  readonly bytesIn: number
  /** Response body bytes sent to the client. */
  readonly bytesOut: number
  /** Time from the start of the request to the end of the response, in milliseconds. */
  readonly durationMs: number
  /**
   * Milliseconds from sending the request to the node until its response head arrived;
   * negative or NaN when no node answered (the request was answered by a rule, or failed).
   */
  readonly nodeResponseMs: number
  /** The node that served the request as `host:port`, or null when none did. */
  readonly node: string | null
  /** The pool the request was sent to, or null when none. */
  readonly pool: string | null
  /** Name of the virtual server that handled the request. */
  readonly virtualServer: string
  /** A request header by lower-case name; the first value, or undefined when absent. */
  requestHeader(name: string): string | undefined
  /** A response header by lower-case name; the first value, or undefined when absent. */
  responseHeader(name: string): string | undefined
}
