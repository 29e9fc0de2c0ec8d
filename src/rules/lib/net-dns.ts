/**
 * net.dns.*: name lookups through the host; they suspend the rule until the answer arrives.
 * @module
 */
import type { LibraryModule } from '../registry.ts'
import { str } from './args.ts'

export const netDnsModule: LibraryModule = {
  functions: {
    'net.dns.resolveHost': { min: 1, max: 1, suspends: true, fn: (s, a) => s.services.resolveHost(str(a, 0), 4) },
    'net.dns.resolveHost6': { min: 1, max: 1, suspends: true, fn: (s, a) => s.services.resolveHost(str(a, 0), 6) },
    'net.dns.resolveIP': { min: 1, max: 1, suspends: true, fn: (s, a) => s.services.resolveIp(str(a, 0)) },
  },
}
