/**
 * connection.*, request.*, response.*: connection control, persistence, retries, addresses, and
 * protocol-independent data access. Settings without their own Decision field go to
 * `Decision.settings`, keyed by the function name.
 * @module
 */
import { isIP } from 'node:net'
import { compileRegex } from '../regex.ts'
import type { FunctionSpec, LibraryModule } from '../registry.ts'
import type { RunState } from '../run-state.ts'
import type { Value } from '../value.ts'
import { arg, b, boolArg, intArg, str } from './args.ts'

/** Records a setting and returns `""`. */
function setting(name: string, conv: (a: Value[]) => Value = (a) => arg(a, 0)): FunctionSpec {
  return { min: 1, max: 1, fn: (s, a) => { s.decision.settings.set(name, conv(a)); return '' } }
}

function getting(name: string, dflt: Value): FunctionSpec {
  return { min: 0, max: 0, fn: (s) => s.decision.settings.get(name) ?? dflt }
}

function lineOf(s: string, pattern: string, offset: number): string {
  const from = s.slice(Math.max(0, offset))
  if (pattern === '') {
    const i = from.indexOf('\n')
    return i < 0 ? from : from.slice(0, i + 1)
  }
  const re = compileRegex(pattern, '')
  const m = re.ok ? re.re.exec(from) : null
  return m === null ? from : from.slice(0, m.index + m[0].length)
}

function isResendable(s: RunState): boolean {
  if (s.decision.idempotent !== null) return s.decision.idempotent
  return ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE'].includes(s.view.getMethod().toUpperCase())
}

export const connectionModule: LibraryModule = {
  functions: {
    'connection.discard': {
      min: 0, max: 0,
      fn: (s) => {
        s.decision.action = 'discard'
        s.decision.final = true
        s.stop()
        return ''
      },
    },
    'connection.close': {
      min: 0, max: 2,
      fn: (s, a) => {
        s.decision.action = 'close'
        s.decision.clientData += str(a, 0)
        s.decision.settings.set('connection.close.readRest', boolArg(a, 1, true) ? 1 : 0)
        s.decision.final = true
        s.stop()
        return ''
      },
    },
    'connection.sleep': {
      min: 1, max: 1, suspends: true,
      fn: (s, a) => s.services.sleep(Math.min(3_600_000, Math.max(0, intArg(a, 0)))).then(() => ''),
    },
    'ssl.isSSL': { min: 0, max: 0, fn: (s) => b(s.view.isTls()) },
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
    'connection.setPersistenceKey': {
      min: 1, max: 1,
      fn: (s, a) => { const k = str(a, 0); s.decision.persistenceKey = k === '' ? null : k; return '' },
    },
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

    'request.getRemoteIP': { min: 0, max: 0, fn: (s) => s.decision.remoteIpOverride ?? s.view.getRemoteIp() },
    'request.getRemotePort': { min: 0, max: 0, fn: (s) => s.view.getRemotePort() },
    'request.getLocalIP': { min: 0, max: 0, fn: (s) => s.view.getLocalIp() },
    'request.getLocalPort': { min: 0, max: 0, fn: (s) => s.view.getLocalPort() },
    'request.getDestIP': { min: 0, max: 0, fn: (s) => s.view.getLocalIp() },
    'request.getDestPort': { min: 0, max: 0, fn: (s) => s.view.getLocalPort() },
    'request.setRemoteIP': {
      min: 1, max: 1,
      fn: (s, a) => {
        const ip = str(a, 0)
        if (isIP(ip) === 0) return 0
        s.decision.remoteIpOverride = ip
        return 1
      },
    },
    'request.get': { min: 0, max: 1, suspends: true, fn: (s, a) => s.view.getBody(Math.max(0, intArg(a, 0))) },
    'request.getLength': {
      min: 0, max: 0, suspends: true,
      fn: (s) => { const r = s.view.getBody(0); return r instanceof Promise ? r.then((x) => x.length) : r.length },
    },
    'request.getLine': {
      min: 0, max: 2, suspends: true,
      fn: (s, a) => { const r = s.view.getBody(0); const f = (x: string): string => lineOf(x, str(a, 0), intArg(a, 1)); return r instanceof Promise ? r.then(f) : f(r) },
    },
    // Request boundaries for line protocols; recorded for a generic-protocol data plane.
    'request.endsAt': { min: 1, max: 1, fn: (s, a) => { s.decision.settings.set('request.endsAt', intArg(a, 0)); return '' } },
    'request.endsWith': {
      min: 1, max: 1, regexArg: 0,
      fn: (s, a) => { s.decision.settings.set('request.endsWith', str(a, 0)); return '' },
    },
    'request.skip': { min: 1, max: 1, fn: (s, a) => { s.decision.settings.set('request.skip', intArg(a, 0)); return '' } },
    'request.set': { min: 1, max: 1, fn: (s, a) => { s.view.setBody(str(a, 0)); return '' } },
    'request.sendResponse': { min: 1, max: 1, fn: (s, a) => { s.decision.clientData += str(a, 0); return '' } },
    'request.retry': {
      min: 0, max: 0,
      fn: (s) => {
        if (s.phase !== 'RESPONSE' || !isResendable(s)) return 0
        s.decision.retry = true
        s.stop()
        return 1
      },
    },
    'request.getRetries': { min: 0, max: 0, fn: (s) => s.view.getRetries() },
    'request.isResendable': { min: 0, max: 0, fn: (s) => b(isResendable(s)) },
    'request.avoidNode': { min: 1, max: 1, fn: (s, a) => { s.decision.avoidNodes.push(str(a, 0)); return '' } },
    'request.setIdempotent': { min: 1, max: 1, fn: (s, a) => { s.decision.idempotent = boolArg(a, 0); return '' } },
    'request.setMaxConnectionAttempts': setting('request.setMaxConnectionAttempts', (a) => intArg(a, 0)),
    'request.setMaxTimedOutConnectionAttempts': setting('request.setMaxTimedOutConnectionAttempts', (a) => intArg(a, 0)),
    'request.setMaxReplyTime': { min: 1, max: 1, fn: (s, a) => { s.decision.maxReplyTimeS = intArg(a, 0); return '' } },
    'request.setVirtualServerTimeout': setting('request.setVirtualServerTimeout', (a) => intArg(a, 0)),
    'request.setMaxTransactionDuration': setting('request.setMaxTransactionDuration', (a) => intArg(a, 0)),
    'request.getMaxTransactionDuration': getting('request.setMaxTransactionDuration', 0),
    'request.setBandwidthClass': { min: 1, max: 1, fn: (s, a) => { s.decision.bandwidthClass = str(a, 0); return '' } },
    'request.getBandwidthClass': { min: 0, max: 0, fn: (s) => s.decision.bandwidthClass ?? '' },
    'request.setDSCP': setting('request.setDSCP', (a) => intArg(a, 0) & 0x3f),
    'request.getDSCP': getting('request.setDSCP', 0),
    'request.setToS': { ...setting('request.setToS', (a) => intArg(a, 0) & 0xff), deprecatedFor: 'request.setDSCP' },
    'request.getToS': { ...getting('request.setToS', 0), deprecatedFor: 'request.getDSCP' },
    'request.setLogEnabled': {
      min: 1, max: 1, deprecatedFor: 'requestlog.include',
      fn: (s, a) => { s.decision.requestLog = boolArg(a, 0) ? 'include' : 'exclude'; return '' },
    },
    'request.getLogEnabled': { min: 0, max: 0, deprecatedFor: 'requestlog.markedForInclusion', fn: (s) => b(s.decision.requestLog !== 'exclude') },

    'response.get': { min: 0, max: 1, suspends: true, fn: (s, a) => s.view.getResponseBody(Math.max(0, intArg(a, 0))) },
    'response.getLength': {
      min: 0, max: 0, suspends: true,
      fn: (s) => { const r = s.view.getResponseBody(0); return r instanceof Promise ? r.then((x) => x.length) : r.length },
    },
    'response.getLine': {
      min: 0, max: 2, suspends: true,
      fn: (s, a) => { const r = s.view.getResponseBody(0); const f = (x: string): string => lineOf(x, str(a, 0), intArg(a, 1)); return r instanceof Promise ? r.then(f) : f(r) },
    },
    'response.set': { min: 1, max: 1, fn: (s, a) => { s.view.setResponseBody(str(a, 0)); return '' } },
    'response.append': {
      min: 1, max: 1, suspends: true,
      fn: (s, a) => {
        const r = s.view.getResponseBody(0)
        const f = (x: string): Value => { s.view.setResponseBody(x + str(a, 0)); return '' }
        return r instanceof Promise ? r.then(f) : f(r)
      },
    },
    'response.flush': { min: 0, max: 1, fn: () => 0 },
    'response.close': { min: 0, max: 0, fn: (s) => { s.decision.settings.set('response.close', 1); return '' } },
    'response.getRemoteIP': { min: 0, max: 0, fn: (s) => (s.view.getNode().replace(/:\d+$/, '').replace(/^\[|\]$/g, '')) },
    'response.getRemotePort': { min: 0, max: 0, fn: (s) => Number(/:(\d+)$/.exec(s.view.getNode())?.[1] ?? 0) },
    'response.getLocalIP': getting('response.localIp', ''),
    'response.getLocalPort': getting('response.localPort', 0),
    'response.setBandwidthClass': setting('response.setBandwidthClass'),
    'response.getBandwidthClass': getting('response.setBandwidthClass', ''),
    'response.setDSCP': setting('response.setDSCP', (a) => intArg(a, 0) & 0x3f),
    'response.getDSCP': getting('response.setDSCP', 0),
    'response.setToS': { ...setting('response.setToS', (a) => intArg(a, 0) & 0xff), deprecatedFor: 'response.setDSCP' },
    'response.getToS': { ...getting('response.setToS', 0), deprecatedFor: 'response.getDSCP' },
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
  },
}
