/**
 * request.*: client-side, protocol-independent access: addresses, raw request data, retries and
 * node avoidance, and per-request settings recorded in the Decision.
 * @module
 */
import { isIP } from 'node:net'
import type { LibraryModule } from '../registry.ts'
import type { RunState } from '../run-state.ts'
import type { Value } from '../value.ts'
import { b, boolArg, fixed0, intArg, str } from './args.ts'
import { NO_EFFECT, getting, lineOf, setting } from './helpers.ts'

function isResendable(s: RunState): boolean {
  if (s.decision.idempotent !== null) return s.decision.idempotent
  return ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE'].includes(s.view.getMethod().toUpperCase())
}

export const requestModule: LibraryModule = {
  functions: {
    'request.getRemoteIP': fixed0((s) => s.decision.remoteIpOverride ?? s.view.getRemoteIp()),
    'request.getRemotePort': { min: 0, max: 0, fn: (s) => s.view.getRemotePort() },
    'request.getLocalIP': { min: 0, max: 0, fn: (s) => s.view.getLocalIp() },
    'request.getLocalPort': { min: 0, max: 0, fn: (s) => s.view.getLocalPort() },
    'request.getDestIP': { min: 0, max: 0, fn: (s) => s.view.getLocalIp() },
    'request.getDestPort': { min: 0, max: 0, fn: (s) => s.view.getLocalPort() },
    'request.setRemoteIP': {
      min: 1, max: 1, unsupported: 'only request.getRemoteIP sees the new address (not the request log, nor transparency)',
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
      fn: (s, a) => { const r = s.view.getBody(0); const f = (x: string): Value => lineOf(s, x, str(a, 0), intArg(a, 1)); return r instanceof Promise ? r.then(f) : f(r) },
    },
    // Request boundaries for line protocols: the TCP data plane reads request.endsWith only.
    'request.endsAt': { min: 1, max: 1, unsupported: NO_EFFECT, fn: (s, a) => { s.decision.setSetting('request.endsAt', intArg(a, 0)); return '' } },
    'request.endsWith': {
      min: 1, max: 1, regexArg: 0,
      fn: (s, a) => { s.decision.setSetting('request.endsWith', str(a, 0)); return '' },
    },
    'request.skip': { min: 1, max: 1, unsupported: NO_EFFECT, fn: (s, a) => { s.decision.setSetting('request.skip', intArg(a, 0)); return '' } },
    'request.set': { min: 1, max: 1, fn: (s, a) => { s.view.setBody(str(a, 0)); return '' } },
    'request.sendResponse': { min: 1, max: 1, fn: (s, a) => { s.decision.clientData += str(a, 0); return '' } },
    'request.retry': {
      min: 0, max: 0, unsupported: 'it ends the rule but the request is not sent again',
      fn: (s) => {
        if (s.phase !== 'RESPONSE' || !isResendable(s)) return 0
        s.decision.retry = true
        s.stop()
        return 1
      },
    },
    'request.getRetries': { min: 0, max: 0, fn: (s) => s.view.getRetries() },
    'request.isResendable': { min: 0, max: 0, fn: (s) => b(isResendable(s)) },
    'request.avoidNode': { min: 1, max: 1, fn: (s, a) => { s.decision.avoidNode(str(a, 0)); return '' } },
    'request.setIdempotent': { min: 1, max: 1, unsupported: 'only request.isResendable sees it', fn: (s, a) => { s.decision.idempotent = boolArg(a, 0); return '' } },
    'request.setMaxConnectionAttempts': { ...setting('request.setMaxConnectionAttempts', (a) => intArg(a, 0)), unsupported: NO_EFFECT },
    'request.setMaxTimedOutConnectionAttempts': { ...setting('request.setMaxTimedOutConnectionAttempts', (a) => intArg(a, 0)), unsupported: NO_EFFECT },
    'request.setMaxReplyTime': { min: 1, max: 1, unsupported: NO_EFFECT, fn: (s, a) => { s.decision.maxReplyTimeS = intArg(a, 0); return '' } },
    'request.setVirtualServerTimeout': { ...setting('request.setVirtualServerTimeout', (a) => intArg(a, 0)), unsupported: NO_EFFECT },
    'request.setMaxTransactionDuration': { ...setting('request.setMaxTransactionDuration', (a) => intArg(a, 0)), unsupported: NO_EFFECT },
    'request.getMaxTransactionDuration': getting('request.setMaxTransactionDuration', 0),
    'request.setBandwidthClass': { min: 1, max: 1, fn: (s, a) => { s.decision.bandwidthClass = str(a, 0); return '' } },
    'request.getBandwidthClass': { min: 0, max: 0, fn: (s) => s.decision.bandwidthClass ?? '' },
    'request.setDSCP': { ...setting('request.setDSCP', (a) => intArg(a, 0) & 0x3f), unsupported: NO_EFFECT },
    'request.getDSCP': getting('request.setDSCP', 0),
    'request.setToS': { ...setting('request.setToS', (a) => intArg(a, 0) & 0xff), deprecatedFor: 'request.setDSCP', unsupported: NO_EFFECT },
    'request.getToS': { ...getting('request.setToS', 0), deprecatedFor: 'request.getDSCP' },
    'request.setLogEnabled': {
      min: 1, max: 1, deprecatedFor: 'requestlog.include',
      fn: (s, a) => { s.decision.requestLog = boolArg(a, 0) ? 'include' : 'exclude'; return '' },
    },
    'request.getLogEnabled': { min: 0, max: 0, deprecatedFor: 'requestlog.markedForInclusion', fn: (s) => b(s.decision.requestLog !== 'exclude') },
  },
}
