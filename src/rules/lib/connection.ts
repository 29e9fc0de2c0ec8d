/**
 * connection.* and connection.data.*: connection control (discard, close, sleep), persistence
 * choices, service level, and the per-connection store. Old connection.* names of request.* and
 * response.* functions are accepted as deprecated aliases.
 * @module
 */
import type { LibraryModule } from '../registry.ts'
import type { Value } from '../value.ts'
import { copyValue, isCompound } from '../value.ts'
import { arg, asStr, fixed0, fixed1, intArg, str } from './args.ts'

export const connectionModule: LibraryModule = {
  functions: {
    'connection.discard': fixed0((s) => {
      s.decision.action = 'discard'
      s.decision.final = true
      s.stop()
      return ''
    }),
    'connection.close': {
      min: 0, max: 2,
      unsupportedArg: { index: 1, note: 'the connection is always closed after the data, as with the default' },
      fn: (s, a) => {
        s.decision.action = 'close'
        s.decision.clientData += str(a, 0)
        s.decision.final = true
        s.stop()
        return ''
      },
    },
    'connection.sleep': {
      min: 1, max: 1, suspends: true,
      fn: (s, a) => s.services.sleep(Math.min(3_600_000, Math.max(0, intArg(a, 0)))).then(() => ''),
    },
    'connection.getVirtualServer': { min: 0, max: 0, fn: (s) => s.view.getVirtualServer() },
    'connection.getPool': { min: 0, max: 0, fn: (s) => s.decision.pool ?? '' },
    'connection.getNode': { min: 0, max: 0, fn: (s) => s.view.getNode() },
    'connection.checkLimits': {
      min: 0, max: 1,
      fn: (s, a) => (a.length > 0 && !s.services.pools.exists(str(a, 0)) ? -1 : 1),
    },
    'connection.getMemoryUsage': { min: 0, max: 0, fn: () => 0 },
    'connection.setPersistence': { min: 0, max: 1, fn: (s, a) => { s.decision.persistenceClass = str(a, 0); return '' } },
    'connection.getPersistence': { min: 0, max: 0, fn: (s) => s.decision.persistenceClass ?? '' },
    'connection.setPersistenceKey': fixed1((s, key) => { const k = asStr(key); s.decision.persistenceKey = k === '' ? null : k; return '' }),
    'connection.setPersistenceNode': { min: 1, max: 1, fn: (s, a) => { s.decision.persistenceNode = str(a, 0); return '' } },
    'connection.setServiceLevelClass': { min: 1, max: 1, fn: (s, a) => { s.decision.serviceLevelClass = str(a, 0); return 1 } },
    'connection.getServiceLevelClass': { min: 0, max: 0, fn: (s) => s.decision.serviceLevelClass ?? '' },
    'connection.getCompletionReasonCode': { min: 0, max: 0, fn: (s) => s.decision.settings.get('completion.code') ?? '' },
    'connection.getCompletionReasonInfo': {
      min: 0, max: 0,
      fn: (s) => {
        const h = new Map<string, Value>()
        h.set('code', s.decision.settings.get('completion.code') ?? '')
        return h
      },
    },
    'connection.data.set': {
      min: 2, max: 2,
      fn: (s, a) => {
        const v = arg(a, 1)
        s.view.setConnectionData(str(a, 0), isCompound(v) ? copyValue(v) : v)
        return 1
      },
    },
    'connection.data.get': {
      min: 1, max: 1,
      fn: (s, a) => {
        const v = s.view.getConnectionData(str(a, 0))
        return v === undefined ? '' : isCompound(v) ? copyValue(v) : v
      },
    },
  },
  aliases: {
    'connection.getRemoteIP': { target: 'request.getRemoteIP', deprecated: true },
    'connection.getRemotePort': { target: 'request.getRemotePort', deprecated: true },
    'connection.getLocalIP': { target: 'request.getLocalIP', deprecated: true },
    'connection.getLocalPort': { target: 'request.getLocalPort', deprecated: true },
    'connection.getData': { target: 'request.get', deprecated: true },
    'connection.getDataLen': { target: 'request.getLength', deprecated: true },
    'connection.getLine': { target: 'request.getLine', deprecated: true },
    'connection.setData': { target: 'request.set', deprecated: true },
    'connection.setIdempotent': { target: 'request.setIdempotent', deprecated: true },
    'connection.getBandwidthClass': { target: 'response.getBandwidthClass', deprecated: true },
    'connection.setBandwidthClass': { target: 'response.setBandwidthClass', deprecated: true },
    // Real rules (the remote-desktop broker among them) spell it this way; accepted as is.
    'connection.setPersistenceClass': { target: 'connection.setPersistence', deprecated: false },
  },
}
