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
import { httpCompressModule } from './http-compress.ts'
import { httpRequestModule } from './http-request.ts'
import { httpResponseModule } from './http-response.ts'
import { jsonModule } from './json.ts'
import { langModule } from './lang.ts'
import { laterModule } from './later.ts'
import { httpCacheModule } from './http-cache.ts'
import { mathModule } from './math.ts'
import { counterModule } from './counter.ts'
import { rateModule } from './rate.ts'
import { slmModule } from './slm.ts'
import { eventModule } from './event.ts'
import { logModule } from './log.ts'
import { netDnsModule } from './net-dns.ts'
import { requestModule } from './request.ts'
import { requestlogModule } from './requestlog.ts'
import { resourceModule } from './resource.ts'
import { responseModule } from './response.ts'
import { ruleModule } from './rule.ts'
import { sslModule } from './ssl.ts'
import { statsModule } from './stats.ts'
import { poolModule } from './pool.ts'
import { stringModule } from './string.ts'
import { stringCodecModule } from './string-codec.ts'
import { stringNetModule } from './string-net.ts'
import { sysModule } from './sys.ts'
import { xmlModule } from './xml.ts'

export { MemoryDataStore } from './data.ts'

/** All built-in modules, in registration order. */
export const LIBRARY_MODULES: readonly LibraryModule[] = [
  stringModule, stringCodecModule, stringNetModule, arrayModule, hashModule, langModule, mathModule,
  jsonModule, sysModule, ruleModule, dataModule, logModule, eventModule, counterModule, rateModule, slmModule, requestlogModule,
  statsModule, resourceModule, netDnsModule, poolModule, connectionModule, requestModule, responseModule,
  sslModule, httpModule, httpBodyModule, httpResponseModule, httpRequestModule, httpCompressModule,
  httpCacheModule, laterModule, xmlModule,
]

let shared: FunctionRegistry | undefined

/** The registry of every built-in function (built once, then shared; it is immutable). */
export function defaultRegistry(): FunctionRegistry {
  shared ??= new FunctionRegistry(LIBRARY_MODULES)
  return shared
}
