/**
 * `universal` persistence: a rule chooses the key (`connection.setPersistenceKey`), for example
 * a user name or a session token read from the request. No key: no persistence.
 * @module
 */
import type { PersistenceType } from './persistence-type.ts'

export const universalType: PersistenceType = {
  name: 'universal',
  usesTable: true,
  cacheSizeKey: 'universal_cache_size',
  cacheExpiryKey: 'universal_cache_expiry',
  keyOf: (input) => (input.key === null || input.key === '' ? null : input.key),
}
