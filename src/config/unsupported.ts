/**
 * What the schema accepts but Sluice does not apply yet. A migrated vTM configuration must not
 * look protected (or compressed, or cached) while it is not: every such key set to a value other
 * than its default, and every object of a type Sluice does not use, gets a warning that says
 * "not supported yet". When a feature lands, its rows leave NOT_APPLIED; docs/configuration.md
 * lists the same rows (a test keeps the two equal).
 * @module
 */

import type { Diagnostic } from './diagnostic.ts'
import { describeValue } from './diagnostic.ts'
import { defaultValue, getObjectType } from './schema/index.ts'
import type { ColumnSchema, ObjectTypeSchema } from './schema/index.ts'
import type { FilledProperties } from './validate-object.ts'

/** One row: keys of a type that have no effect (or values of a key that have none). */
export interface NotApplied {
  /** The type URI, e.g. `virtual_servers`. */
  readonly type: string
  /** `section.key`; `section.*` for every key of a section; `*` for the whole type. */
  readonly keys: string
  /** Only these values of the key have no effect (the key's other values work). */
  readonly values?: readonly string[]
  /** Only these columns of the table key have no effect (in any row). */
  readonly columns?: readonly string[]
  /** `key` (of a `section.*` row) or `section.key` (of a `*` row) that do take effect. */
  readonly except?: readonly string[]
}

// Keys that describe an object and never had an effect of their own, in vTM either.
export const DESCRIPTIVE_KEYS: ReadonlySet<string> = new Set(['note', 'built_in', 'factory', 'editable_keys', 'can_edit_ssl', 'can_use_ssl'])

/** Every accepted key that has no effect yet. Audited against what src/ reads. */
export const NOT_APPLIED: readonly NotApplied[] = [
  // Whole object types that nothing in Sluice reads.
  { type: 'custom', keys: '*' },
  { type: 'dns_server/zones', keys: '*' },
  { type: 'glb_services', keys: '*' },
  { type: 'locations', keys: '*' },
  { type: 'log_export', keys: '*' },
  { type: 'rule_authenticators', keys: '*' },
  // Traffic IP groups are raised in singlehosted mode by cluster members (docs/cluster.md).
  { type: 'traffic_ip_groups', keys: 'basic.*', except: ['enabled', 'ipaddresses', 'machines', 'slaves', 'mode', 'keeptogether', 'ip_assignment_mode', 'ip_mapping', 'note'] },
  { type: 'traffic_ip_groups', keys: 'basic.mode', values: ['ec2elastic', 'ec2vpcelastic', 'ec2vpcprivate', 'gceexternal', 'multihosted', 'rhi'] },
  // Virtual servers.
  { type: 'virtual_servers', keys: 'basic.protocol', values: ['ftp', 'rtsp', 'siptcp', 'sipudp', 'udpstreaming'] },
  { type: 'virtual_servers', keys: 'basic.glb_services' },
  { type: 'virtual_servers', keys: 'basic.listen_on_traffic_ips' },
  { type: 'virtual_servers', keys: 'basic.proxy_protocol' },
  { type: 'virtual_servers', keys: 'basic.proxy_protocol_optional' },
  { type: 'virtual_servers', keys: 'basic.transparent' },
  { type: 'virtual_servers', keys: 'aptimizer.*' },
  { type: 'virtual_servers', keys: 'auth.*' },
  { type: 'virtual_servers', keys: 'connection.max_server_buffer' },
  { type: 'virtual_servers', keys: 'connection.max_transaction_duration' },
  { type: 'virtual_servers', keys: 'cookie.*' },
  { type: 'virtual_servers', keys: 'dns.*' },
  { type: 'virtual_servers', keys: 'ftp.*' },
  {
    type: 'virtual_servers',
    keys: 'http.*',
    except: ['add_cluster_ip', 'add_x_forwarded_for', 'add_x_forwarded_proto', 'strip_x_forwarded_proto'],
  },
  {
    type: 'virtual_servers',
    keys: 'http2.*',
    except: [
      'connect_timeout',
      'enabled',
      'header_table_size',
      'headers_size_limit',
      'idle_timeout_no_streams',
      'idle_timeout_open_streams',
      'max_concurrent_streams',
      'max_frame_size',
      'merge_cookie_headers',
      'stream_window_size',
    ],
  },
  { type: 'virtual_servers', keys: 'kerberos_protocol_transition.*' },
  { type: 'virtual_servers', keys: 'log.*', except: ['enabled', 'filename', 'format', 'json'] },
  { type: 'virtual_servers', keys: 'recent_connections.*' },
  { type: 'virtual_servers', keys: 'request_tracing.*' },
  { type: 'virtual_servers', keys: 'rtsp.*' },
  { type: 'virtual_servers', keys: 'sip.*' },
  { type: 'virtual_servers', keys: 'smtp.*' },
  {
    type: 'virtual_servers',
    keys: 'ssl.*',
    except: [
      'add_http_headers', 'client_cert_cas', 'client_cert_headers', 'request_client_cert', 'server_cert_alt_certificates',
      'server_cert_default', 'server_cert_host_mapping', 'session_cache_enabled', 'session_tickets_enabled',
      'support_tls1', 'support_tls1_1', 'support_tls1_2', 'support_tls1_3',
    ],
  },
  { type: 'virtual_servers', keys: 'syslog.*' },
  { type: 'virtual_servers', keys: 'tcp.mss' },
  { type: 'virtual_servers', keys: 'transaction_export.*' },
  { type: 'virtual_servers', keys: 'udp.*', except: ['end_point_persistence', 'response_datagrams_expected', 'timeout'] },
  // Pools.
  { type: 'pools', keys: 'auto_scaling.*' },
  { type: 'pools', keys: 'basic.lard_size' },
  { type: 'pools', keys: 'basic.nodes_table', columns: ['source_ip'] },
  { type: 'pools', keys: 'basic.node_close_with_rst' },
  { type: 'pools', keys: 'basic.node_delete_behavior' },
  { type: 'pools', keys: 'basic.node_drain_to_delete_timeout' },
  { type: 'pools', keys: 'basic.transparent' },
  { type: 'pools', keys: 'connection.max_transactions_per_node' },
  { type: 'pools', keys: 'dns_autoscale.*' },
  { type: 'pools', keys: 'ftp.*' },
  { type: 'pools', keys: 'kerberos_protocol_transition.*' },
  { type: 'pools', keys: 'node.close_on_death' },
  { type: 'pools', keys: 'service_discovery.*' },
  { type: 'pools', keys: 'smtp.*' },
  {
    type: 'pools',
    keys: 'ssl.*',
    except: [
      'common_name_match', 'enable', 'server_name', 'session_cache_enabled', 'session_tickets_enabled',
      'ssl_fixed_client_certificate', 'strict_verify', 'support_tls1', 'support_tls1_1', 'support_tls1_2', 'support_tls1_3',
    ],
  },
  { type: 'pools', keys: 'udp.*' },
  // Service protection.
  { type: 'protection', keys: 'basic.debug' },
  // Persistence: the settings of the `transparent` type, which is refused anyway.
  // Actions and event types.
  { type: 'actions', keys: 'basic.type', values: ['email', 'trap'] },
  { type: 'actions', keys: 'email.*' },
  { type: 'actions', keys: 'trap.*' },
  { type: 'event_types', keys: 'basic.log2mainlog' },
  // Global settings: only these keys take effect.
  {
    type: 'global_settings',
    keys: '*',
    except: [
      'session.asp_cache_size', 'session.ip_cache_expiry', 'session.ip_cache_size', 'session.j2ee_cache_expiry', 'session.j2ee_cache_size',
      'session.universal_cache_expiry', 'session.universal_cache_size', 'session.ssl_cache_size', 'basic.workers', 'watchdog.timeout',
      'ssl.cache_enabled', 'ssl.cache_expiry', 'ssl.cache_per_virtualserver', 'ssl.cache_size', 'ssl.support_tls1_2',
      'ssl.support_tls1_3', 'ssl.tickets_enabled', 'ssl.tickets_ticket_expiry',
      'trafficscript.data_size', 'trafficscript.max_instr', 'trafficscript.variable_pool_use', 'trafficscript.xml_max_size',
      'web_cache.max_byte_range_segments', 'web_cache.max_file_num', 'web_cache.max_file_size', 'web_cache.max_path_length', 'web_cache.normalize_query', 'web_cache.size',
    ],
  },
]

const NOT_SUPPORTED = 'not supported yet: it is accepted but has no effect'

/** One warning per object of an unused type and per non-default key that has no effect. */
export function unsupportedWarnings(
  objects: ReadonlyMap<string, ReadonlyMap<string, { readonly properties: FilledProperties; readonly file: string | undefined }>>,
): Diagnostic[] {
  const warnings: Diagnostic[] = []
  for (const row of NOT_APPLIED) {
    const type = getObjectType(row.type)
    if (type === undefined) continue
    for (const [name, obj] of objects.get(row.type) ?? []) {
      const at = {
        ...(obj.file === undefined ? {} : { file: obj.file }),
        objectType: type.uri,
        objectName: type.kind === 'singleton' ? '' : name,
        severity: 'warning' as const,
      }
      if (row.keys === '*' && row.except === undefined) {
        warnings.push({ ...at, reason: `${type.name} objects are not supported yet: this one is accepted but has no effect` })
        continue
      }
      for (const [section, key] of keysOf(type, row)) {
        const value = obj.properties[section]?.[key]
        const schema = type.sections[section]?.[key]
        if (schema === undefined || isSame(value, defaultValue(schema))) continue
        if (row.columns !== undefined) {
          warnings.push(...columnWarnings(at, `${section}.${key}`, value, row.columns, schema.columns ?? {}))
          continue
        }
        if (row.values !== undefined) {
          if (typeof value === 'string' && row.values.includes(value)) {
            warnings.push({ ...at, key: `${section}.${key}`, reason: `the value ${describeValue(value)} is ${NOT_SUPPORTED}` })
          }
          continue
        }
        warnings.push({ ...at, key: `${section}.${key}`, reason: `${NOT_SUPPORTED} (set to ${describeValue(value)})` })
      }
    }
  }
  return warnings
}

/** The (section, key) pairs a row covers, descriptive keys left out. */
export function keysOf(type: ObjectTypeSchema, row: NotApplied): [string, string][] {
  const pairs: [string, string][] = []
  const except = new Set(row.except ?? [])
  const [rowSection = '', rowKey = ''] = row.keys.split('.')
  for (const [section, keys] of Object.entries(type.sections)) {
    if (row.keys !== '*' && section !== rowSection) continue
    for (const key of Object.keys(keys)) {
      if (DESCRIPTIVE_KEYS.has(key)) continue
      if (row.keys === '*' ? except.has(`${section}.${key}`) : rowKey === '*' ? except.has(key) : key !== rowKey) continue
      pairs.push([section, key])
    }
  }
  return pairs
}

/** A warning for each row whose `columns` differ from their defaults. */
function columnWarnings(
  at: Omit<Diagnostic, 'reason'>,
  key: string,
  rows: unknown,
  columns: readonly string[],
  schemas: Readonly<Record<string, ColumnSchema>>,
): Diagnostic[] {
  const warnings: Diagnostic[] = []
  for (const [i, row] of (Array.isArray(rows) ? (rows as unknown[]) : []).entries()) {
    for (const column of columns) {
      const schema = schemas[column]
      const value = typeof row === 'object' && row !== null ? (row as Record<string, unknown>)[column] : undefined
      if (schema === undefined || isSame(value, defaultValue(schema))) continue
      warnings.push({ ...at, key: `${key}[${String(i)}].${column}`, reason: `${NOT_SUPPORTED} (set to ${describeValue(value)})` })
    }
  }
  return warnings
}

function isSame(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}
