/**
 * Generic TCP and UDP virtual servers: client-first, server-first and streaming TCP, TLS
 * pass-through routed by SNI, UDP request/response and DNS.
 * @module
 */
export { StreamConnection } from './stream-connection.ts'
export type { StreamConnectionDeps, StreamDeps } from './stream-connection.ts'
export { readServerName, HELLO_INCOMPLETE, HELLO_INVALID, MAX_CLIENT_HELLO_BYTES } from './client-hello.ts'
export type { ServerNameResult } from './client-hello.ts'
export { StreamRuleSession } from './stream-rules.ts'
export { StreamRuleView } from './stream-rule-view.ts'
export type { StreamRuleHost } from './stream-rule-view.ts'
export { UdpRelay } from './udp-relay.ts'
export { DnsRelay } from './dns-relay.ts'
