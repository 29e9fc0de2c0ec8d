/**
 * Builds the `protection/<name>` classes of a configuration, once per snapshot, over runtime
 * state that outlives it (ProtectionStore).
 * @module
 */
import type { EventSink } from '../core/index.ts'
import { getObjects, type Diagnostic, type ValidConfig } from '../config/index.ts'
import { buildAddressList, compileHttpChecks, ProtectionClass, type AddressList, type ProtectionStore } from '../protect/index.ts'

const SECOND_MS = 1000

/** Enabled classes by name; a class with a bad address is reported and left out. */
export function buildProtection(config: ValidConfig, store: ProtectionStore, events: EventSink, problems: Diagnostic[]): ReadonlyMap<string, ProtectionClass> {
  const classes = new Map<string, ProtectionClass>()
  for (const [name, p] of getObjects(config, 'protection')) {
    const list = (key: 'allowed' | 'banned'): AddressList | null => {
      const built = buildAddressList(p.access_restriction[key])
      if ('list' in built) return built.list
      problems.push({ objectType: 'protection', objectName: name, key: `access_restriction.${key}`, reason: `"${built.bad}" ${built.reason}` })
      return null
    }
    const allowed = list('allowed')
    const banned = list('banned')
    if (allowed === null || banned === null || !p.basic.enabled) continue
    const settings = Object.freeze({
      name,
      testing: p.basic.testing,
      logTimeMs: p.basic.log_time * SECOND_MS,
      allowed,
      banned,
      max1Connections: p.concurrent_connections.max_1_connections,
      // vTM turns the top-ten limit off when counts are combined across processes; Sluice is
      // one process, so its counts are both, and the key keeps vTM's meaning.
      max10Connections: p.concurrent_connections.per_process_connection_count ? p.concurrent_connections.max_10_connections : 0,
      minConnections: p.concurrent_connections.min_connections,
      maxConnectionRate: p.connection_rate.max_connection_rate,
      rateWindowMs: p.connection_rate.rate_timer * SECOND_MS,
      httpChecks: compileHttpChecks({
        maxUrlLength: p.http.max_url_length,
        maxHeaderLength: p.http.max_header_length,
        maxRequestLength: p.http.max_request_length,
        maxBodyLength: p.http.max_body_length,
        rejectBinary: p.http.reject_binary,
        checkRfc2396: p.http.check_rfc2396,
      }),
      sendErrorPage: p.http.send_error_page,
      lingerMs: p.basic.linger_time * SECOND_MS,
      rule: p.basic.rule,
    })
    classes.set(name, new ProtectionClass(settings, store.get(name), events))
  }
  return classes
}
