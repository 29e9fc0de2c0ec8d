/**
 * Checks one key's value against its schema and fills defaults inside tables and rule lists.
 * @module
 */

import { isIP } from 'node:net'
import { describeValue } from './diagnostic.ts'
import { reservedNameReason } from './reserved-names.ts'
import { defaultValue } from './schema/index.ts'
import type { ColumnSchema, KeySchema } from './schema/index.ts'

/** A problem at a key path such as `basic.nodes_table[2].weight`. */
export interface ValueProblem {
  readonly key: string
  readonly reason: string
}

/** The checked value (the default where the given one was unusable) and its problems. */
export interface CheckedValue {
  readonly value: unknown
  readonly problems: readonly ValueProblem[]
}

const RULE_ENTRY_FIELDS = ['name', 'enabled', 'run_frequency']
const RUN_FREQUENCIES = ['run_every', 'only_first']

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Checks `value` at `path`; never throws. */
export function checkValue(schema: KeySchema, value: unknown, path: string): CheckedValue {
  switch (schema.type) {
    case 'table':
      return checkTable(schema, value, path)
    case 'ruleList':
      return checkRuleList(value, path)
    case 'bool':
    case 'int':
    case 'float':
    case 'string':
    case 'stringList': {
      const reason = scalarProblem(schema, value)
      if (reason === undefined) return { value, problems: [] }
      return { value: defaultValue(schema), problems: [{ key: path, reason }] }
    }
  }
}

/** Why a scalar or string list value does not fit its schema, or undefined. */
function scalarProblem(schema: KeySchema | ColumnSchema, value: unknown): string | undefined {
  const got = describeValue(value)
  switch (schema.type) {
    case 'bool':
      return typeof value === 'boolean' ? undefined : `must be true or false, got ${got}`
    case 'int':
    case 'float': {
      const isInt = schema.type === 'int'
      const fits =
        typeof value === 'number' &&
        Number.isFinite(value) &&
        (!isInt || Number.isInteger(value)) &&
        value >= (schema.min ?? -Infinity) &&
        value <= (schema.max ?? Infinity)
      return fits ? undefined : `must be ${isInt ? 'an integer' : 'a number'}${rangeText(schema)}, got ${got}`
    }
    case 'string':
      if (typeof value !== 'string') return `must be a string, got ${got}`
      if (schema.enum !== undefined && !schema.enum.includes(value)) {
        return `must be one of ${schema.enum.join(', ')}; got ${got}`
      }
      return undefined
    case 'stringList':
      if (!Array.isArray(value)) return `must be a list of strings, got ${got}`
      for (const [i, item] of value.entries()) {
        if (typeof item !== 'string') return `item ${i} must be a string, got ${describeValue(item)}`
        if (schema.enum !== undefined && !schema.enum.includes(item)) return `item ${i} must be one of ${schema.enum.join(', ')}; got ${describeValue(item)}`
      }
      return undefined
    case 'table':
    case 'ruleList':
      return undefined
  }
}

function rangeText(schema: KeySchema | ColumnSchema): string {
  const { min, max } = schema
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`
  if (min !== undefined) return ` of at least ${min}`
  if (max !== undefined) return ` of at most ${max}`
  return ''
}

function checkTable(schema: KeySchema, value: unknown, path: string): CheckedValue {
  if (!Array.isArray(value)) {
    return { value: [], problems: [{ key: path, reason: `must be a list of rows, got ${describeValue(value)}` }] }
  }
  const columns = schema.columns ?? {}
  const problems: ValueProblem[] = []
  const rows: Record<string, unknown>[] = []
  for (const [i, row] of value.entries()) {
    const rowPath = `${path}[${i}]`
    if (!isPlainObject(row)) {
      problems.push({ key: rowPath, reason: `must be an object, got ${describeValue(row)}` })
      continue
    }
    const filled: Record<string, unknown> = {}
    for (const column of Object.keys(row)) {
      const reserved = reservedNameReason(column)
      if (reserved !== undefined || !Object.hasOwn(columns, column)) {
        const why = reserved === undefined ? '' : `: ${reserved}`
        problems.push({ key: `${rowPath}.${column}`, reason: `unknown column${why}; known: ${Object.keys(columns).join(', ')}` })
      }
    }
    for (const [column, columnSchema] of Object.entries(columns)) {
      const given = Object.hasOwn(row, column) ? row[column] : undefined
      if (given === undefined) {
        if (columnSchema.required === true) {
          problems.push({ key: `${rowPath}.${column}`, reason: 'required column is missing' })
        }
        filled[column] = defaultValue(columnSchema)
        continue
      }
      const reason = scalarProblem(columnSchema, given)
      if (reason !== undefined) problems.push({ key: `${rowPath}.${column}`, reason })
      filled[column] = reason === undefined ? given : defaultValue(columnSchema)
    }
    rows.push(filled)
  }
  if (path === 'basic.nodes_table') problems.push(...checkNodes(value))
  return { value: rows, problems }
}

function checkNodes(rows: readonly unknown[]): ValueProblem[] {
  const problems: ValueProblem[] = []
  const seen = new Map<string, number>()
  for (const [i, row] of rows.entries()) {
    const node = isPlainObject(row) ? row['node'] : undefined
    if (typeof node !== 'string') continue
    const key = `basic.nodes_table[${i}].node`
    const reason = nodeAddressProblem(node)
    if (reason !== undefined) problems.push({ key, reason })
    const first = seen.get(node.toLowerCase())
    if (first !== undefined) problems.push({ key, reason: `duplicate of row ${first}` })
    else seen.set(node.toLowerCase(), i)
  }
  return problems
}

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62}))*\.?$/

/** Why a node address is not `host:port` (`[v6]:port`) with port 1-65535, or undefined. */
export function nodeAddressProblem(node: string): string | undefined {
  const bad = `must be "host:port" (IPv6 as "[address]:port") with a port from 1 to 65535, got ${describeValue(node)}`
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(node)
  if (m === null) return bad
  const port = Number(m[3])
  if (port < 1 || port > 65535) return bad
  const v6 = m[1]
  if (v6 !== undefined) return isIP(v6.replace(/%.*$/, '')) === 6 ? undefined : bad
  const host = m[2] ?? ''
  if (/^[0-9.]+$/.test(host)) return isIP(host) === 4 ? undefined : bad
  return HOST_NAME.test(host) ? undefined : bad
}

function checkRuleList(value: unknown, path: string): CheckedValue {
  if (!Array.isArray(value)) {
    return { value: [], problems: [{ key: path, reason: `must be a list of rule names or rule entries, got ${describeValue(value)}` }] }
  }
  const problems: ValueProblem[] = []
  const entries: { name: string; enabled: boolean; run_frequency: string }[] = []
  for (const [i, item] of value.entries()) {
    const at = `${path}[${i}]`
    if (typeof item === 'string' && item !== '') {
      entries.push({ name: item, enabled: true, run_frequency: 'run_every' })
      continue
    }
    if (!isPlainObject(item)) {
      problems.push({ key: at, reason: `must be a rule name or {"name", "enabled", "run_frequency"}, got ${describeValue(item)}` })
      continue
    }
    const before = problems.length
    for (const field of Object.keys(item)) {
      if (!RULE_ENTRY_FIELDS.includes(field)) {
        problems.push({ key: `${at}.${field}`, reason: `unknown field; known: ${RULE_ENTRY_FIELDS.join(', ')}` })
      }
    }
    const { name, enabled = true, run_frequency: freq = 'run_every' } = item
    if (typeof name !== 'string' || name === '') {
      problems.push({ key: `${at}.name`, reason: `must be a non-empty string, got ${describeValue(name)}` })
    }
    if (typeof enabled !== 'boolean') {
      problems.push({ key: `${at}.enabled`, reason: `must be true or false, got ${describeValue(enabled)}` })
    }
    if (typeof freq !== 'string' || !RUN_FREQUENCIES.includes(freq)) {
      problems.push({ key: `${at}.run_frequency`, reason: `must be one of ${RUN_FREQUENCIES.join(', ')}; got ${describeValue(freq)}` })
    }
    if (problems.length === before && typeof name === 'string' && typeof enabled === 'boolean' && typeof freq === 'string') {
      entries.push({ name, enabled, run_frequency: freq })
    }
  }
  return { value: entries, problems }
}
