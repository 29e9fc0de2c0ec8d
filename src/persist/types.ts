/**
 * The persistence types Sluice implements, by vTM `type` name.
 * @module
 */
import { ipType } from './ip-type.ts'
import { namedType } from './named-type.ts'
import type { PersistenceType } from './persistence-type.ts'
import { universalType } from './universal-type.ts'

export const PERSISTENCE_TYPES: ReadonlyMap<string, PersistenceType> = new Map([
  [ipType.name, ipType],
  [universalType.name, universalType],
  [namedType.name, namedType],
])
