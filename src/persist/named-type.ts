/**
 * `named` persistence: a rule names the node itself (`connection.setPersistenceNode("host:port")`),
 * so nothing is remembered; the class contributes only its failure mode.
 * @module
 */
import type { PersistenceType } from './persistence-type.ts'

export const namedType: PersistenceType = {
  name: 'named',
  usesTable: false,
  cacheSizeKey: null,
  cacheExpiryKey: null,
  keyOf: (input) => (input.node === null || input.node === '' ? null : input.node.trim()),
}
