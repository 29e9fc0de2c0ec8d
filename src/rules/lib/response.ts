/**
 * response.*: server-side, protocol-independent access to the response data and settings.
 * @module
 */
import type { LibraryModule } from '../registry.ts'
import type { Value } from '../value.ts'
import { intArg, str } from './args.ts'
import { NO_EFFECT, getting, lineOf, setting } from './helpers.ts'

export const responseModule: LibraryModule = {
  functions: {
    'response.get': { min: 0, max: 1, suspends: true, fn: (s, a) => s.view.getResponseBody(Math.max(0, intArg(a, 0))) },
    'response.getLength': {
      min: 0, max: 0, suspends: true,
      fn: (s) => { const r = s.view.getResponseBody(0); return r instanceof Promise ? r.then((x) => x.length) : r.length },
    },
    'response.getLine': {
      min: 0, max: 2, suspends: true,
      fn: (s, a) => { const r = s.view.getResponseBody(0); const f = (x: string): Value => lineOf(s, x, str(a, 0), intArg(a, 1)); return r instanceof Promise ? r.then(f) : f(r) },
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
    'response.flush': { min: 0, max: 1, unsupported: 'data is sent when the rules have finished, as without it', fn: () => 0 },
    'response.close': { min: 0, max: 0, unsupported: NO_EFFECT, fn: (s) => { s.decision.setSetting('response.close', 1); return '' } },
    'response.getRemoteIP': { min: 0, max: 0, fn: (s) => (s.view.getNode().replace(/:\d+$/, '').replace(/^\[|\]$/g, '')) },
    'response.getRemotePort': { min: 0, max: 0, fn: (s) => Number(/:(\d+)$/.exec(s.view.getNode())?.[1] ?? 0) },
    'response.getLocalIP': getting('response.localIp', ''),
    'response.getLocalPort': getting('response.localPort', 0),
    'response.setBandwidthClass': { min: 1, max: 1, fn: (s, a) => { s.decision.responseBandwidthClass = str(a, 0); return '' } },
    'response.getBandwidthClass': { min: 0, max: 0, fn: (s) => s.decision.responseBandwidthClass ?? '' },
    'response.setDSCP': { ...setting('response.setDSCP', (a) => intArg(a, 0) & 0x3f), unsupported: NO_EFFECT },
    'response.getDSCP': getting('response.setDSCP', 0),
    'response.setToS': { ...setting('response.setToS', (a) => intArg(a, 0) & 0xff), deprecatedFor: 'response.setDSCP', unsupported: NO_EFFECT },
    'response.getToS': { ...getting('response.setToS', 0), deprecatedFor: 'response.getDSCP' },
  },
}
