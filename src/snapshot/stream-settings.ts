/**
 * Maps generic TCP and UDP virtual servers to the settings the stream data plane reads, and
 * decides which engine (HTTP, stream, UDP) each vTM protocol runs on.
 * @module
 */
import type { VirtualServerProperties } from '../config/index.ts'
import type { PersistenceClasses } from '../persist/index.ts'
import type { Pool } from '../pool/index.ts'
import type { CompiledRuleSet, RuleServices } from '../rules/index.ts'
import type { StatsRegistry } from '../stats/index.ts'
import type { StreamKind, StreamRecord, StreamRouter, StreamRules, StreamService, UdpService } from './stream-service.ts'
import { bindRuleList } from './rules.ts'

const SECOND_MS = 1000
/** UDP sessions (or pending DNS queries) per virtual server; beyond it new ones are dropped. */
const MAX_UDP_SESSIONS = 10000

/** Which engine carries a protocol, and for streams how they start (plain, then decrypted). */
export type Engine =
  | { readonly engine: 'http' }
  | { readonly engine: 'stream'; readonly plain: StreamKind; readonly decrypted: StreamKind }
  | { readonly engine: 'udp'; readonly kind: 'udp' | 'dns' }
  | { readonly engine: 'none' }

/**
 * vTM protocol names to Sluice engines. Mail and directory protocols run as generic streams
 * (the node's banner and any STARTTLS pass through untouched); their TLS variants, and
 * `https`, are pass-through unless the virtual server decrypts.
 */
export function engineFor(protocol: string, isDecrypting: boolean): Engine {
  switch (protocol) {
    case 'http':
      return { engine: 'http' }
    case 'https':
      // HTTPS that is not decrypted can only be passed through.
      return isDecrypting ? { engine: 'http' } : { engine: 'stream', plain: 'ssl_passthrough', decrypted: 'stream' }
    case 'client_first':
    case 'dns_tcp':
    case 'ldap':
      return { engine: 'stream', plain: 'client_first', decrypted: 'client_first' }
    case 'server_first':
    case 'smtp':
    case 'pop3':
    case 'imapv2':
    case 'imapv3':
    case 'imapv4':
      return { engine: 'stream', plain: 'server_first', decrypted: 'server_first' }
    case 'stream':
    case 'telnet':
      return { engine: 'stream', plain: 'stream', decrypted: 'stream' }
    case 'ssl':
      return { engine: 'stream', plain: 'ssl_passthrough', decrypted: 'stream' }
    case 'imaps':
    case 'pop3s':
      return { engine: 'stream', plain: 'ssl_passthrough', decrypted: 'server_first' }
    case 'ldaps':
      return { engine: 'stream', plain: 'ssl_passthrough', decrypted: 'client_first' }
    case 'udp':
      return { engine: 'udp', kind: 'udp' }
    case 'dns':
      return { engine: 'udp', kind: 'dns' }
    default:
      return { engine: 'none' }
  }
}

function counterSink(name: string, stats: StatsRegistry | null): ((r: StreamRecord) => void) | null {
  const counters = stats?.virtualServer(name)
  if (counters === undefined) return null
  return (r) => {
    counters.bytesIn += r.bytesIn
    counters.bytesOut += r.bytesOut
  }
}

/** What a stream virtual server shares with the rest of its snapshot. */import type { BandwidthSettings, BandwidthStore } from '../protect/index.ts'
import { bandwidthService } from './traffic-class-settings.ts'

export interface StreamContext {
  readonly pools: ReadonlyMap<string, Pool>
  readonly router: StreamRouter | null
  readonly stats: StatsRegistry | null
  readonly compiled: CompiledRuleSet | null
  /** Null for a dry run: rules are compiled but never run. */
  readonly ruleServices: RuleServices | null
  readonly maxInstructions: number
  readonly persistence: PersistenceClasses
  readonly bandwidth: { readonly settings: ReadonlyMap<string, BandwidthSettings>; readonly store: BandwidthStore }
}

function streamRules(vs: VirtualServerProperties, ctx: StreamContext): StreamRules | null {
  if (ctx.ruleServices === null) return null
  const request = bindRuleList(vs.basic.request_rules, ctx.compiled)
  const response = bindRuleList(vs.basic.response_rules, ctx.compiled)
  if (request.length === 0 && response.length === 0) return null
  return Object.freeze({
    request,
    response,
    runOnConnect: vs.basic.rules_on_connect,
    services: ctx.ruleServices,
    maxInstructions: ctx.maxInstructions,
  })
}

export function streamService(name: string, vs: VirtualServerProperties, kind: StreamKind, ctx: StreamContext): StreamService {
  const { pools, router, stats } = ctx
  return Object.freeze({
    name,
    kind,
    pool: vs.basic.pool === 'discard' ? null : (pools.get(vs.basic.pool) ?? null),
    pools,
    connectTimeoutMs: vs.basic.connect_timeout * SECOND_MS,
    idleTimeoutMs: vs.connection.timeout * SECOND_MS,
    proxyClose: vs.tcp.proxy_close,
    closeWithRst: vs.tcp.close_with_rst,
    nagle: vs.tcp.nagle,
    serverFirstBanner: kind === 'server_first' ? vs.connection.server_first_banner : '',
    maxClientBufferBytes: vs.connection.max_client_buffer,
    router,
    rules: streamRules(vs, ctx),
    persistence: ctx.persistence,
    onEnd: counterSink(name, stats),
    bandwidth: bandwidthService(vs.basic.bandwidth_class, ctx.bandwidth.settings, ctx.bandwidth.store),
  })
}

export function udpService(
  name: string,
  vs: VirtualServerProperties,
  kind: 'udp' | 'dns',
  pools: ReadonlyMap<string, Pool>,
  stats: StatsRegistry | null,
): UdpService {
  return Object.freeze({
    name,
    kind,
    pool: vs.basic.pool === 'discard' ? null : (pools.get(vs.basic.pool) ?? null),
    pools,
    timeoutMs: vs.udp.timeout * SECOND_MS,
    responseDatagramsExpected: vs.udp.response_datagrams_expected,
    endPointPersistence: vs.udp.end_point_persistence,
    maxSessions: MAX_UDP_SESSIONS,
    onEnd: counterSink(name, stats),
  })
}
