/**
 * TLS for virtual servers: the certificate catalog checked at snapshot time, SNI certificate
 * selection, session resumption state, and the per-connection facts the HTTP engine turns into
 * `SSL-*` headers.
 * @module
 */
export { parseServerKey, parseCaBundle, pemBlocks } from './certificate.ts'
export type { ServerCertificate, CaBundle } from './certificate.ts'
export { HostMap, isValidHostPattern } from './host-map.ts'
export { TlsSessionCache, TlsRuntime } from './session-cache.ts'
export { TlsTerminator, tlsSessionKey } from './tls-terminator.ts'
export type { TlsTerminatorOptions, SecureHandler, ClientCertRequest } from './tls-terminator.ts'
export { tlsInfoOf, recordConnectionInfo, TLS_HEADER_NAMES } from './connection-info.ts'
export type { TlsConnectionInfo, ClientCertHeaderMode, ClientCertStatus, ConnectionInfoOptions } from './connection-info.ts'
export { certFacts } from './cert-facts.ts'
export type { CertFacts } from './cert-facts.ts'
export { nodeTlsOptions } from './node-tls.ts'
export type { NodeTlsSettings } from './node-tls.ts'
