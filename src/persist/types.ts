/**
 * The persistence types Sluice implements, by vTM `type` name.
 * @module
 */
import { aspType, cookieType, j2eeType } from './app-cookie-types.ts'
import { xZeusType } from './x-zeus-type.ts'
import { ipType } from './ip-type.ts'
import { namedType } from './named-type.ts'
import type { PersistenceType } from './persistence-type.ts'
import { transparentType } from './transparent-type.ts'
import { universalType } from './universal-type.ts'
import { sslType } from './ssl-type.ts'

export const PERSISTENCE_TYPES: ReadonlyMap<string, PersistenceType> = new Map([
  [ipType.name, ipType],
  [universalType.name, universalType],
  [namedType.name, namedType],
  [transparentType.name, transparentType],
  [cookieType.name, cookieType],
  [aspType.name, aspType],
  [j2eeType.name, j2eeType],
  [xZeusType.name, xZeusType],
  [sslType.name, sslType],
])
