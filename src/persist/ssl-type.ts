/**
 * `ssl` persistence: the TLS session is the key, so a client that resumes its session comes back
 * to the node it had. On a virtual server that decrypts, the key is the session's own (its master
 * secret, hashed: the same for every resumption of it); on SSL pass-through it is the session ID
 * the client offers, and a new session is learned from the ID in the node's ServerHello. TLS 1.3
 * names no session this way: such connections have no key and the balancer picks.
 * @module
 */
import type { PersistenceType } from './persistence-type.ts'

export const sslType: PersistenceType = {
  name: 'ssl',
  usesTable: true,
  keyOf: (input) => input.tlsSession,
  cacheSizeKey: 'ssl_cache_size',
  cacheExpiryKey: null,
}
