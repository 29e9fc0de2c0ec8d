/**
 * Facts about a client connection that both HTTP codecs give the engine: the client's address as
 * nodes and logs want it, and the connection facts rules read.
 * @module
 */
import type { Socket } from 'node:net'
import type { HttpService } from '../snapshot/index.ts'
import { tlsInfoOf } from '../tls/index.ts'
import type { RuleConnectionInfo } from './rule-view.ts'

/**
 * A dual-stack listener reports IPv4 clients as `::ffff:a.b.c.d`; nodes and logs want the
 * IPv4 address itself, as vTM reports it.
 */
export function plainClientIp(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address
}

/** Connection facts for rules (made once per client connection, HTTP/1.1 or HTTP/2). */
export function ruleConnectionOf(socket: Socket, clientIp: string, svc: HttpService): RuleConnectionInfo {
  const tls = tlsInfoOf(socket)
  return {
    clientIp,
    clientPort: socket.remotePort ?? 0,
    localIp: plainClientIp(socket.localAddress ?? ''),
    localPort: socket.localPort ?? 0,
    isTls: tls !== null,
    tls,
    virtualServer: svc.name,
    data: new Map(),
  }
}
