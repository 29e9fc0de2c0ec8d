/**
 * How a bound address is shown to people: as a URL with the scheme clients use (`https://` for
 * HTTP with TLS, `tcp://`, `tls://` for decrypted generic TCP, `udp://`), and which listeners a
 * configuration change opened or closed.
 * @module
 */
import type { VirtualServerEntry } from '../snapshot/index.ts'
import type { BoundAddress } from './listener-set.ts'

/** The scheme a client of `entry` uses on `transport`. */
export function listenerScheme(transport: BoundAddress['transport'], entry: VirtualServerEntry | undefined): string {
  if (transport === 'udp') return 'udp'
  const tls = entry?.tls != null
  if (entry?.http != null) return tls ? 'https' : 'http'
  return tls ? 'tls' : 'tcp'
}

/** `https://127.0.0.1:8443/`, `tcp://[::1]:3389`, `udp://0.0.0.0:53`. */
export function listenerUrl(b: BoundAddress, entry: VirtualServerEntry | undefined): string {
  const scheme = listenerScheme(b.transport, entry)
  const host = b.host.includes(':') ? `[${b.host}]` : b.host
  const path = scheme === 'http' || scheme === 'https' ? '/' : ''
  return `${scheme}://${host}:${String(b.port)}${path}`
}

/** A listener as reported: its URL and its virtual server. */
export interface ListenerLabel {
  readonly url: string
  readonly virtualServer: string
}

/** Listeners in `after` and not in `before` (opened), and the reverse (closed). */
export function listenerChanges(
  before: readonly ListenerLabel[],
  after: readonly ListenerLabel[],
): { readonly opened: readonly ListenerLabel[]; readonly closed: readonly ListenerLabel[] } {
  const key = (l: ListenerLabel) => `${l.url} ${l.virtualServer}`
  const had = new Set(before.map(key))
  const has = new Set(after.map(key))
  return { opened: after.filter((l) => !had.has(key(l))), closed: before.filter((l) => !has.has(key(l))) }
}
