/**
 * What differs between kinds of session persistence: how a transaction's session key is found,
 * and whether mappings are remembered. One file per type implements this; cookie-based types
 * (`cookie`, `transparent`, `j2ee`, `asp`, `x_zeus`) and `ssl` are to be added the same way.
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
}

/** The parts of a `persistence` object's settings that types read. */
export interface PersistenceTypeSettings {
  readonly subnetPrefixLengthV4: number
  readonly subnetPrefixLengthV6: number
}

export interface PersistenceType {
  readonly name: string
  /**
   * True when sessions are remembered in a table (key to node); false when the key itself names
   * the node (`named`).
   */
  readonly usesTable: boolean
  /** The session key of this transaction, or null when there is none (then the balancer picks). */
  keyOf(input: PersistenceInput, settings: PersistenceTypeSettings): string | null
  /** Global `session.*_cache_size` / `_cache_expiry` keys that bound this type's tables. */
  readonly cacheSizeKey: string | null
  readonly cacheExpiryKey: string | null
}
