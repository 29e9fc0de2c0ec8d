/**
 * The immutable picture of a configuration that the data plane reads.
 * @module
 */
import type { Diagnostic, ValidConfig } from '../config/index.ts'
import type { HttpService } from './http-service.ts'
import type { HealthPlan } from '../health/index.ts'
import type { PersistenceClasses } from '../persist/index.ts'
import type { Pool } from '../pool/index.ts'
import type { RequestLogWriter } from '../stats/index.ts'
import type { StreamService, UdpService } from './stream-service.ts'
import type { TlsTerminator } from '../tls/index.ts'
import type { ProtectionClass } from '../protect/index.ts'

/** One address a virtual server accepts on. `host` undefined means every address. */
export interface ListenAddress {
  readonly host: string | undefined
  readonly port: number
}

export interface VirtualServerEntry {
  readonly name: string
  readonly protocol: string
  readonly addresses: readonly ListenAddress[]
  /** vTM `basic.max_concurrent_connections`; 0 = no limit. */
  readonly maxConcurrentConnections: number
  /**
   * The service protection class (`basic.protection_class`), when one is named and enabled:
   * every accepted connection is counted against it.
   */
  readonly protection: ProtectionClass | null
  /** The HTTP engine's settings, for protocols `http` and `https`. */
  readonly http: HttpService | null
  /** Generic TCP settings (client_first, server_first, stream, ssl, mail protocols, dns_tcp). */
  readonly stream: StreamService | null
  /** UDP settings (udp, dns); such a virtual server listens on UDP only. */
  readonly udp: UdpService | null
  /** SSL decryption (`basic.ssl_decrypt` on a TCP protocol): the handshake before the engine. */
  readonly tls: TlsTerminator | null
}

export interface Snapshot {
  /** Increases by one with every applied configuration. */
  readonly version: number
  readonly config: ValidConfig
  readonly pools: ReadonlyMap<string, Pool>
  /**
   * Session persistence classes. Per transaction: `persistence.open(pool, clientIp, decision)`;
   * their session tables live outside snapshots and survive reloads.
   */
  readonly persistence: PersistenceClasses
  /** Enabled virtual servers only. */
  readonly virtualServers: ReadonlyMap<string, VirtualServerEntry>
  /** What the health monitors watch: per pool, its monitors and its non-disabled nodes. */
  readonly healthPlan: HealthPlan
  /** Request-log writers this snapshot holds a reference to (released when it is replaced). */
  readonly logWriters: readonly RequestLogWriter[]
  /** What applies but deserves attention: keys with no effect yet, rule warnings. */
  readonly warnings: readonly Diagnostic[]
}
