/**
 * The configuration schema as data: object types, their URIs, sections, keys and columns.
 * The REST API and the OpenAPI generator read it through these functions.
 * @module
 */

import { OBJECT_TYPE_SCHEMAS } from './generated.ts'
import type { ColumnSchema, DefaultValue, KeySchema, ObjectTypeSchema } from './types.ts'

export { OBJECT_TYPE_SCHEMAS, RAW_TYPE_URIS } from './generated.ts'
export type {
  ActionProperties,
  BandwidthProperties,
  CustomProperties,
  DnsServerZoneProperties,
  EventTypeProperties,
  GlbServiceProperties,
  GlobalSettingsProperties,
  LocationProperties,
  LogExportProperties,
  MonitorProperties,
  ObjectPropertiesByUri,
  PersistenceProperties,
  PoolProperties,
  ProtectionProperties,
  RateProperties,
  RuleAuthenticatorProperties,
  ServiceLevelMonitorProperties,
  SslClientKeyProperties,
  SslServerKeyProperties,
  TrafficIpGroupProperties,
  VirtualServerProperties,
} from './generated.ts'
export type {
  ColumnSchema,
  ColumnType,
  DefaultValue,
  KeySchema,
  KeyType,
  ObjectKind,
  ObjectTypeSchema,
  RuleEntry,
  SectionSchema,
} from './types.ts'

const BY_URI: ReadonlyMap<string, ObjectTypeSchema> = new Map(
  OBJECT_TYPE_SCHEMAS.map((t) => [t.uri, t]),
)

/** Every object type, in spec order. */
export function listObjectTypes(): readonly ObjectTypeSchema[] {
  return OBJECT_TYPE_SCHEMAS
}

/** The type stored under a URI path such as `pools` or `ssl/server_keys`. */
export function getObjectType(uri: string): ObjectTypeSchema | undefined {
  return BY_URI.get(uri)
}

/** The schema of one key, e.g. `getKeySchema('pools', 'load_balancing', 'algorithm')`. */
export function getKeySchema(uri: string, section: string, key: string): KeySchema | undefined {
  return BY_URI.get(uri)?.sections[section]?.[key]
}

/** The value a key or column takes when it is not given. */
export function defaultValue(schema: KeySchema | ColumnSchema): DefaultValue {
  if (schema.default !== undefined) return schema.default
  switch (schema.type) {
    case 'bool':
      return false
    case 'int':
    case 'float':
      return 0
    case 'string':
      return ''
    case 'stringList':
    case 'table':
    case 'ruleList':
      return []
  }
}
