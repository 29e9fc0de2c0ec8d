/**
 * The configuration schema as the UI reads it: the API's OpenAPI document, which is generated
 * from the same schema data that validates the configuration (key names, types, enums,
 * defaults, ranges and help text).
 * @module
 */
import { API, call, field, isRecord } from './api.ts'

/** One object type. */
export interface ObjectType {
  readonly name: string
  readonly uri: string
  readonly kind: 'object' | 'singleton' | 'raw'
}

/** A JSON Schema fragment for one key or table column. */
export interface ValueSchema {
  readonly type?: 'boolean' | 'integer' | 'number' | 'string' | 'array'
  readonly enum?: readonly string[]
  readonly default?: unknown
  readonly minimum?: number
  readonly maximum?: number
  readonly description?: string
  readonly writeOnly?: boolean
  readonly items?: { readonly type?: string; readonly properties?: Readonly<Record<string, ValueSchema>>; readonly required?: readonly string[]; readonly oneOf?: unknown }
}

/** Sections of a type: section name to key name to schema. */
export type Sections = ReadonlyMap<string, ReadonlyMap<string, ValueSchema>>

export interface Schema {
  readonly types: readonly ObjectType[]
  sections(type: ObjectType): Sections
}

let loaded: Promise<Schema> | undefined

/** The schema, read once. */
export function loadSchema(): Promise<Schema> {
  loaded ??= read()
  return loaded
}

async function read(): Promise<Schema> {
  const r = await call('GET', `${API}/openapi.json`)
  if (!r.ok) {
    loaded = undefined
    throw new Error('the schema could not be read')
  }
  const types = (field(r.body, 'x-sluice-object-types') ?? []) as ObjectType[]
  const schemas = field(field(r.body, 'components'), 'schemas')
  return {
    types,
    sections: (type) => {
      const sections = field(field(field(field(schemas, type.name), 'properties'), 'properties'), 'properties')
      const out = new Map<string, Map<string, ValueSchema>>()
      if (!isRecord(sections)) return out
      for (const [section, s] of Object.entries(sections)) {
        const keys = field(s, 'properties')
        if (isRecord(keys)) out.set(section, new Map(Object.entries(keys as Record<string, ValueSchema>)))
      }
      return out
    },
  }
}

/** The type stored under `uri`. */
export function typeOf(schema: Schema, uri: string): ObjectType | undefined {
  return schema.types.find((t) => t.uri === uri)
}

/** The value a key takes when it is not given. */
export function defaultOf(s: ValueSchema): unknown {
  if (s.default !== undefined) return s.default
  if (s.type === 'boolean') return false
  if (s.type === 'integer' || s.type === 'number') return 0
  return s.type === 'array' ? [] : ''
}
