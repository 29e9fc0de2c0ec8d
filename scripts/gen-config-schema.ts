/**
 * Generates `src/config/schema/generated.ts` from the condensed vTM configuration spec.
 *
 * Usage: `node scripts/gen-config-schema.ts [path/to/config-schema.md] [output.ts]`
 * (defaults `../shared/spec/config-schema.md`, relative to the repository root, and
 * `src/config/schema/generated.ts`).
 *
 * Only facts carry over: type, section, key and column names, value types, defaults, enums and
 * ranges. The spec also quotes vTM's description of each key; that prose is skipped, never
 * copied. What each key does is described in Sluice's own words in src/config/key-descriptions.ts.
 * @module
 */

import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type {
  ColumnSchema,
  ColumnType,
  DefaultValue,
  KeySchema,
  ObjectKind,
} from '../src/config/schema/types.ts'

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

interface ParsedType {
  name: string
  uri: string
  kind: ObjectKind
  sections: Record<string, Record<string, Mutable<KeySchema> & { tableType?: string }>>
  tableTypes: Record<string, Record<string, ColumnSchema>>
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const OUT = join(ROOT, 'src', 'config', 'schema', 'generated.ts')

// Facts the spec gets wrong or leaves out: its note says column enums and defaults may be
// attached to the table key instead of the right column, so tables are corrected here.
const COLUMN_OVERRIDES: Record<string, Record<string, ColumnSchema>> = {
  'pools/basic.nodes_table': {
    node: { type: 'string', required: true },
    priority: { type: 'int', default: 1, min: 0 },
    weight: { type: 'int', default: 1, min: 1, max: 100 },
    state: { type: 'string', default: 'active', enum: ['active', 'draining', 'disabled'] },
    source_ip: { type: 'string' },
  },
  'virtual_servers/ssl.ca_sites': {
    cert_headers: { type: 'string', default: 'none', enum: ['all', 'none', 'simple'] },
    client_cas: { type: 'stringList' },
    host: { type: 'string' },
    request_cert: {
      type: 'string',
      default: 'dont_request',
      enum: ['dont_request', 'request', 'require'],
    },
  },
  'virtual_servers/ssl.ocsp_issuers': {
    aia: { type: 'bool', default: true },
    issuer: { type: 'string' },
    nonce: { type: 'string', default: 'off', enum: ['off', 'on', 'strict'] },
    required: { type: 'string', default: 'optional', enum: ['none', 'optional', 'strict'] },
    responder_cert: { type: 'string' },
    signer: { type: 'string' },
    url: { type: 'string' },
  },
  // Generations of an application behind a virtual server (issue #19, docs/generations.md).
  'virtual_servers/generations.table': {
    name: { type: 'string', required: true },
    pool: { type: 'string', required: true },
    state: { type: 'string', default: 'testing', enum: ['testing', 'current', 'draining', 'reaped'] },
  },
  'glb_services/basic.location_settings': {
    ips: { type: 'stringList' },
    location: { type: 'string' },
    monitors: { type: 'stringList' },
    weight: { type: 'int', default: 1, min: 1, max: 100 },
  },
}

// Sluice's own changes to keys: extensions and deliberately different defaults.
const KEY_OVERRIDES: Record<string, Partial<KeySchema>> = {
  'virtual_servers/basic.request_rules': { type: 'ruleList', sluiceOnly: true },
  'virtual_servers/basic.response_rules': { type: 'ruleList', sluiceOnly: true },
  'virtual_servers/basic.completion_rules': { type: 'ruleList', sluiceOnly: true },
  'virtual_servers/basic.pool': { default: 'discard' },
  // Port 0: the kernel picks a free port, which the banner, the API and App.bound() report.
  'virtual_servers/basic.port': { min: 0, required: true },
  // In the state directory, which the loader skips: a log file among the objects would make the
  // configuration directory invalid (issue #11).
  'virtual_servers/log.filename': {
    default: '.sluice/logs/%v.log',
    vtmDefault: '%zeushome%/zxtm/log/%v.log',
  },
  // Compressed responses go chunked, so the client connection stays open (issue #12).
  'virtual_servers/gzip.chunk': { default: true },
  // Sluice's webhook action: the modern form of vTM's SOAP alert callback.
  'actions/basic.type': { enum: ['email', 'log', 'program', 'soap', 'syslog', 'trap', 'webhook'] },
}

// Keys that exist only in Sluice.
const EXTRA_KEYS: Record<string, KeySchema> = {
  'virtual_servers/log.json': { type: 'bool', default: false, sluiceOnly: true },
  // Generations (issue #19): the table, the rollback target, the canary share, how sessions are
  // known and when they end, and who counts as a tester.
  // The cluster's shared store (issue #16): a Redis-protocol URL; empty: Sluice runs alone.
  'global_settings/cluster.redis_url': { type: 'string', default: '', sluiceOnly: true },
  'event_types/cluster.event_tags': { type: 'stringList', default: [], sluiceOnly: true },
  'event_types/cluster.objects': { type: 'stringList', default: [], sluiceOnly: true },
  // Event types may match the generations' events (deployed, draining, drained, reaped, rolledback).
  'event_types/generations.event_tags': { type: 'stringList', default: [], sluiceOnly: true },
  'event_types/generations.objects': { type: 'stringList', default: [], sluiceOnly: true },
  'virtual_servers/generations.table': { type: 'table', sluiceOnly: true },
  'virtual_servers/generations.previous': { type: 'string', default: '', sluiceOnly: true },
  'virtual_servers/generations.canary_percent': { type: 'int', default: 100, min: 0, max: 100, sluiceOnly: true },
  'virtual_servers/generations.session': { type: 'string', default: 'sluice_cookie', enum: ['sluice_cookie', 'app_cookie', 'persistence_class'], sluiceOnly: true },
  'virtual_servers/generations.cookie': { type: 'string', default: 'SluiceGeneration', sluiceOnly: true },
  'virtual_servers/generations.persistence_class': { type: 'string', default: '', sluiceOnly: true },
  'virtual_servers/generations.idle_timeout': { type: 'int', default: 1800, min: 1, max: 31536000, sluiceOnly: true },
  'virtual_servers/generations.max_sessions': { type: 'int', default: 100000, min: 1, max: 10000000, sluiceOnly: true },
  'virtual_servers/generations.tester_header': { type: 'string', default: '', sluiceOnly: true },
  'virtual_servers/generations.tester_cookie': { type: 'string', default: '', sluiceOnly: true },
  'virtual_servers/generations.tester_addresses': { type: 'stringList', default: [], sluiceOnly: true },
  // Compression beyond vTM's gzip: which codings are offered, in order of preference, and their levels.
  'virtual_servers/gzip.encodings': { type: 'stringList', default: ['gzip'], enum: ['br', 'gzip', 'zstd'], sluiceOnly: true },
  'virtual_servers/gzip.brotli_level': { type: 'int', default: 4, min: 0, max: 11, sluiceOnly: true },
  'virtual_servers/gzip.zstd_level': { type: 'int', default: 3, min: 1, max: 19, sluiceOnly: true },
  // HTTP/2 to the nodes (h2c, or ALPN h2 with ssl.enable), for gRPC services.
  'pools/http.protocol': { type: 'string', default: 'http1', enum: ['http1', 'http2'], sluiceOnly: true },
  'actions/webhook.url': { type: 'string', sluiceOnly: true },
  'actions/webhook.username': { type: 'string', sluiceOnly: true },
  'actions/webhook.password': { type: 'string', sluiceOnly: true },
  'actions/webhook.attempts': { type: 'int', default: 3, min: 1, max: 10, sluiceOnly: true },
  'actions/webhook.additional_data': { type: 'string', sluiceOnly: true },
  // Certificates and keys read from PEM files (renewed by an ACME client, say) on every reload.
  'ssl/server_keys/basic.public_file': { type: 'string', sluiceOnly: true },
  'ssl/server_keys/basic.private_file': { type: 'string', sluiceOnly: true },
  'ssl/client_keys/basic.public_file': { type: 'string', sluiceOnly: true },
  'ssl/client_keys/basic.private_file': { type: 'string', sluiceOnly: true },
  // The largest message body (and inline stylesheet or schema) xml.* functions parse, in bytes.
  'global_settings/trafficscript.xml_max_size': { type: 'int', default: 1048576, min: 1024, max: 67108864, sluiceOnly: true },
  // Data-plane worker threads at start; 0 = one per available core.
  'global_settings/basic.workers': { type: 'int', default: 0, min: 0, max: 256, sluiceOnly: true },
}

const TYPE_HEADING = /^### `([a-z0-9_]+)` — `\/api\/tm\/[0-9.]+\/config\/active\/([^`]+)`/
const SECTION_LINE = /^- \*\*section `([a-z0-9_]+)`\*\*/
const KEY_LINE = /^ {2}- `([a-z0-9_]+)` \((.*)$/
const TABLE_LINE = /^ {2}- table type `([A-Za-z0-9]+)`:(.*)$/

/** Splits `int; default 3; range 1-9` (already cut at the closing parenthesis) into parts. */
function splitAttrs(text: string): string[] {
  const attrs: string[] = []
  let cur = ''
  let i = 0
  while (i < text.length) {
    const ch = text.charAt(i)
    if (ch === '"') {
      const close = findStringEnd(text, i)
      cur += text.slice(i, close + 1)
      i = close + 1
      continue
    }
    if (ch === '{') {
      const close = text.indexOf('}', i)
      cur += text.slice(i, close + 1)
      i = close + 1
      continue
    }
    if (ch === ')') return [...attrs, cur.trim()]
    if (ch === ';') {
      attrs.push(cur.trim())
      cur = ''
    } else {
      cur += ch
    }
    i++
  }
  return [...attrs, cur.trim()]
}

/** Index of the closing quote; an unterminated string (a spec truncation) ends before `)`. */
function findStringEnd(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    const ch = text.charAt(i)
    if (ch === '\\') i++
    else if (ch === '"') return i
  }
  return text.indexOf(')', open) - 1
}

function parseDefault(raw: string, type: string): DefaultValue | undefined {
  if (raw === 'nil') return undefined
  if (raw.startsWith('"')) {
    const body = raw.endsWith('"') && raw.length > 1 ? raw : `${raw}"`
    return JSON.parse(body) as string
  }
  if (raw === 'true' || raw === 'false') return raw === 'true'
  const n = Number(raw)
  if (Number.isFinite(n) && (type === 'int' || type === 'float')) return n
  throw new Error(`cannot read default ${raw} for a ${type}`)
}

function columnType(raw: string): ColumnType {
  switch (raw) {
    case 'bool':
    case 'int':
    case 'string':
      return raw
    case 'float64':
      return 'float'
    case '[]string':
      return 'stringList'
    default:
      throw new Error(`unknown type ${raw}`)
  }
}

function parseKey(attrText: string): Mutable<KeySchema> & { tableType?: string } {
  const attrs = splitAttrs(attrText)
  const [typeRaw = '', ...rest] = attrs
  if (typeRaw.startsWith('array of')) return { type: 'table' }
  if (typeRaw.endsWith('Table')) {
    // Attributes on a table key belong to some column; COLUMN_OVERRIDES places them.
    return { type: 'table', tableType: typeRaw.slice(0, -'Table'.length) }
  }
  const key: Mutable<KeySchema> = { type: columnType(typeRaw) }
  for (const attr of rest) {
    if (attr.startsWith('default ')) {
      const d = parseDefault(attr.slice('default '.length), key.type)
      if (d !== undefined) key.default = d
    } else if (attr.startsWith('range ')) {
      const m = /^range (-?\d+)-(-?\d+)$/.exec(attr)
      if (m === null) throw new Error(`cannot read ${attr}`)
      key.min = Number(m[1])
      key.max = Number(m[2])
    } else if (attr.startsWith('enum ')) {
      key.enum = attr
        .slice('enum {'.length, -1)
        .split(',')
        .map((s) => s.trim())
    } else {
      throw new Error(`cannot read attribute ${attr}`)
    }
  }
  return key
}

function parseColumns(text: string): Record<string, ColumnSchema> {
  const columns: Record<string, ColumnSchema> = {}
  for (const m of text.matchAll(/`([a-z0-9_]+)` \(([^)]+)\)/g)) {
    columns[m[1] ?? ''] = { type: columnType(m[2] ?? '') }
  }
  return columns
}

function parseSpec(text: string): ParsedType[] {
  const types: ParsedType[] = []
  let type: ParsedType | undefined
  let section: string | undefined
  for (const line of text.split('\n')) {
    const heading = TYPE_HEADING.exec(line)
    if (heading !== null) {
      const path = (heading[2] ?? '').replace(/\?.*$/, '').replace(/\/NAME$/, '')
      const singleton = path === 'global_settings'
      type = { name: heading[1] ?? '', uri: path, kind: singleton ? 'singleton' : 'object', sections: {}, tableTypes: {} }
      types.push(type)
      section = undefined
      continue
    }
    if (type === undefined) continue
    const sec = SECTION_LINE.exec(line)
    if (sec !== null) {
      section = sec[1] ?? ''
      type.sections[section] = {}
      continue
    }
    const table = TABLE_LINE.exec(line)
    if (table !== null) {
      type.tableTypes[table[1] ?? ''] = parseColumns(table[2] ?? '')
      continue
    }
    const key = KEY_LINE.exec(line)
    if (key !== null && section !== undefined) {
      const target = type.sections[section]
      // Only the attributes in parentheses are read; the description after them is vTM's prose.
      if (target !== undefined) target[key[1] ?? ''] = parseKey(key[2] ?? '')
    }
  }
  return types.map(finish)
}

/** Resolves tables, applies Sluice's overrides, marks required keys, sorts everything. */
function finish(type: ParsedType): ParsedType {
  if (Object.keys(type.sections).length === 0) type.kind = 'raw'
  for (const [path, extra] of Object.entries(EXTRA_KEYS)) {
    const slash = path.lastIndexOf('/')
    const [uri, sectionKey] = [path.slice(0, slash), path.slice(slash + 1)]
    const [section, key] = sectionKey.split('.') as [string, string]
    if (uri !== type.uri) continue
    // An extra key may open a section vTM does not have (the webhook action's).
    const target = (type.sections[section] ??= {})
    target[key] = { ...extra }
  }
  for (const [section, keys] of Object.entries(type.sections)) {
    for (const [name, key] of Object.entries(keys)) {
      const path = `${type.uri}/${section}.${name}`
      Object.assign(key, KEY_OVERRIDES[path] ?? {})
      if (key.type === 'table') {
        const columns = COLUMN_OVERRIDES[path] ?? type.tableTypes[key.tableType ?? '']
        if (columns === undefined) throw new Error(`no columns for ${path}`)
        key.columns = columns
        delete key.tableType
      }
      if (key.default === undefined && !zeroIsValid(key)) key.required = true
    }
  }
  return type
}

function zeroIsValid(key: KeySchema): boolean {
  if (key.type === 'int' || key.type === 'float') {
    return (key.min ?? 0) <= 0 && (key.max ?? 0) >= 0
  }
  if (key.type === 'string') return key.enum === undefined || key.enum.includes('')
  return true
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/

function prop(name: string): string {
  return IDENT.test(name) ? name : `'${name}'`
}

/** A compact single-line TypeScript literal for a plain JSON-like value. */
function literal(value: unknown): string {
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`
  if (typeof value === 'object' && value !== null) {
    const parts = Object.entries(value).map(([k, v]) => `${prop(k)}: ${literal(v)}`)
    return parts.length === 0 ? '{}' : `{ ${parts.join(', ')} }`
  }
  return String(value)
}

function pascal(name: string): string {
  return name
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('')
}

function valueType(key: KeySchema | ColumnSchema): string {
  if (key.enum !== undefined) {
    const names = key.enum.map((e) => `'${e}'`).join(' | ')
    return key.type === 'stringList' ? `readonly (${names})[]` : names
  }
  switch (key.type) {
    case 'bool':
      return 'boolean'
    case 'int':
    case 'float':
      return 'number'
    case 'string':
      return 'string'
    case 'stringList':
      return 'readonly string[]'
    case 'ruleList':
      return 'readonly RuleEntry[]'
    case 'table': {
      const cols = Object.entries(key.columns ?? {})
      return `readonly { ${cols.map(([c, s]) => `readonly ${prop(c)}: ${valueType(s)}`).join('; ')} }[]`
    }
  }
}

function sorted<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)))
}

function emit(types: readonly ParsedType[], specName: string): string {
  const out: string[] = [
    `// Generated by scripts/gen-config-schema.ts from ${specName}. Do not edit by hand.`,
    '// Facts only (names, types, defaults, enums, ranges); see docs/configuration.md.',
    '/* eslint-disable max-lines -- one generated data table */',
    '',
    "import type { ObjectTypeSchema, RuleEntry } from './types.ts'",
    '',
    '/** Every configuration object type, in spec order. */',
    'export const OBJECT_TYPE_SCHEMAS: readonly ObjectTypeSchema[] = [',
  ]
  for (const t of types) {
    out.push(`  { name: '${t.name}', uri: '${t.uri}', kind: '${t.kind}', sections: {`)
    for (const [section, keys] of Object.entries(sorted(t.sections))) {
      out.push(`    ${prop(section)}: {`)
      for (const [name, key] of Object.entries(sorted(keys))) {
        out.push(`      ${prop(name)}: ${literal(key)},`)
      }
      out.push('    },')
    }
    out.push('  } },')
  }
  out.push(']', '')
  const typed = types.filter((t) => t.kind !== 'raw')
  for (const t of typed) {
    out.push(`/** Properties of a \`${t.uri}\` object, with every default filled in. */`)
    out.push(`export interface ${pascal(t.name)}Properties {`)
    for (const [section, keys] of Object.entries(sorted(t.sections))) {
      out.push(`  readonly ${prop(section)}: {`)
      for (const [name, key] of Object.entries(sorted(keys))) {
        out.push(`    readonly ${prop(name)}: ${valueType(key)}`)
      }
      out.push('  }')
    }
    out.push('}', '')
  }
  out.push('/** Property types by URI path, for typed access to `ValidConfig.objects`. */')
  out.push('export interface ObjectPropertiesByUri {')
  for (const t of typed) out.push(`  readonly '${t.uri}': ${pascal(t.name)}Properties`)
  out.push('}', '')
  out.push('/** URI paths of the types stored as raw file content. */')
  out.push(`export const RAW_TYPE_URIS = ${literal(types.filter((t) => t.kind === 'raw').map((t) => t.uri))} as const`)
  out.push('')
  return out.join('\n')
}

const specPath = resolve(ROOT, process.argv[2] ?? '../shared/spec/config-schema.md')
const types = parseSpec(readFileSync(specPath, 'utf8'))
const outPath = process.argv[3] === undefined ? OUT : resolve(process.argv[3])
writeFileSync(outPath, emit(types, 'spec/config-schema.md'))
console.log(`wrote ${outPath}: ${types.length} object types`)
