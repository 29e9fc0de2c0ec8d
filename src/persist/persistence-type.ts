/**
 * What differs between kinds of session persistence: how a transaction's session key is found,
 * and whether mappings are remembered. One file per type implements this.
 * @module
 */

/** The facts about one transaction that persistence types read. */
export interface PersistenceInput {
  /** Client address (IPv4 dotted or IPv6 text; no `::ffff:` prefix). */
  readonly clientIp: string
  /** `connection.setPersistenceKey` (universal), or null. */
  readonly key: string | null
  /** `connection.setPersistenceNode` (named), or null. */
  readonly node: string | null
  /** The HTTP request, for the cookie types; null on TCP. */
  readonly request: PersistenceRequest | null
  /**
   * The TLS session (type `ssl`): a key for it, '' for a new session whose key the node's answer
   * gives (pass-through), or null when the connection has none (not TLS, or TLS 1.3).
   */
  readonly tlsSession: string | null
}

/** What cookie-based types read of an HTTP request (read only when such a class applies). */
export interface PersistenceRequest {
  /** The Cookie field lines joined with `; ` ('' without any). */
  cookies(): string
  /** The value of the field named `lower` (lower case), or null. */
  field(lower: string): string | null
  /** The request target, for session IDs carried in the path (`;jsessionid=`). */
  readonly target: string
}

/** The parts of a `persistence` object's settings that types read. */
export interface PersistenceTypeSettings {
  readonly subnetPrefixLengthV4: number
  readonly subnetPrefixLengthV6: number
  /** `basic.cookie`: the application's session cookie (type `cookie`). */
  readonly cookie: string
  /** The name of the class's transparent cookie (type `transparent`). */
  readonly transparentCookie: string
  /** `basic.transparent_always_set_cookie`: set the cookie on every response, not only on new sessions. */
  readonly transparentAlwaysSet: boolean
  /** `basic.transparent_directives`: attributes appended to the transparent cookie. */
  readonly transparentDirectives: string
}

export interface PersistenceType {
  readonly name: string
  /**
   * True when sessions are remembered in a table (key to node); false when the key itself names
   * the node (`named`).
   */
  readonly usesTable: boolean
  /**
   * The session key of this transaction, or null when there is none (then the balancer picks).
   * '' is a session not known yet that the response may start (a cookie the node sets, or the
   * transparent cookie Sluice sets).
   */
  keyOf(input: PersistenceInput, settings: PersistenceTypeSettings): string | null
  /**
   * For types that learn sessions from the node's answer: the session key a `Set-Cookie` field
   * value starts, or null when it does not set the session cookie.
   */
  readonly keyFromSetCookie?: (setCookie: string, settings: PersistenceTypeSettings) => string | null
  /** True when the key is Sluice's own transparent cookie, which names the node in a code. */
  readonly transparent?: boolean
  /** A cookie Sluice sets naming the node in plain text (`x_zeus`); the key is the node itself. */
  readonly namesNodeInCookie?: string
  /** Global `session.*_cache_size` / `_cache_expiry` keys that bound this type's tables. */
  readonly cacheSizeKey: string | null
  readonly cacheExpiryKey: string | null
}
