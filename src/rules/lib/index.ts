/**
 * Every library module, and the default registry built from them.
 * @module
 */
import type { LibraryModule } from '../registry.ts'
import { FunctionRegistry } from '../registry.ts'
import { arrayModule } from './array.ts'
import { connectionModule } from './connection.ts'
import { dataModule } from './data.ts'
import { hashModule } from './hash.ts'
import { httpModule } from './http.ts'
import { httpBodyModule } from './http-body.ts'
import { httpOutboundModule } from './http-outbound.ts'
import { httpResponseModule } from './http-response.ts'
import { jsonModule } from './json.ts'
import { langModule } from './lang.ts'
import { laterModule } from './later.ts'
import { mathModule } from './math.ts'
import { observeModule } from './observe.ts'
import { poolModule } from './pool.ts'
import { stringModule } from './string.ts'
import { stringCodecModule } from './string-codec.ts'
import { stringNetModule } from './string-net.ts'
import { sysModule } from './sys.ts'

export { MemoryDataStore } from './data.ts'

/** All built-in modules, in registration order. */
export const LIBRARY_MODULES: readonly LibraryModule[] = [
  stringModule, stringCodecModule, stringNetModule, arrayModule, hashModule, langModule, mathModule,
  jsonModule, sysModule, dataModule, observeModule, poolModule, connectionModule, httpModule,
  httpBodyModule, httpResponseModule, httpOutboundModule, laterModule,
]

let shared: FunctionRegistry | undefined

/** The registry of every built-in function (built once, then shared; it is immutable). */
export function defaultRegistry(): FunctionRegistry {
  shared ??= new FunctionRegistry(LIBRARY_MODULES)
  return shared
}
