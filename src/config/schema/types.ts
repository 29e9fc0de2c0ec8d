/**
 * The shape of the configuration schema: object types, sections, keys and table columns.
 * The data itself is generated from `spec/config-schema.md` into `generated.ts`.
 * @module
 */

/** The value kinds a column of a table can hold. */
export type ColumnType = 'bool' | 'int' | 'float' | 'string' | 'stringList'

/**
 * The value kinds a configuration key can hold. `table` is an array of row objects;
 * `ruleList` is the Sluice extension for virtual server rule lists (strings or rule entries).
 */
export type KeyType = ColumnType | 'table' | 'ruleList'

/** A default value as it appears in JSON. */
export type DefaultValue = boolean | number | string | readonly string[]

/** One column of a table key. */
export interface ColumnSchema {
  readonly type: ColumnType
  /** Absent when the spec gives none; the zero value of the type is used then. */
  readonly default?: DefaultValue
  readonly enum?: readonly string[]
  readonly min?: number
  readonly max?: number
  /** The column must be present in every row. */
  readonly required?: boolean
}

/** One key of a section. */
export interface KeySchema {
  readonly type: KeyType
  /** Absent when the spec gives none; the zero value of the type is used then. */
  readonly default?: DefaultValue
  readonly enum?: readonly string[]
  readonly min?: number
  readonly max?: number
  /** The key must be given: it has no default and its zero value would be invalid. */
  readonly required?: boolean
  /** Columns of a `table` key. */
  readonly columns?: Readonly<Record<string, ColumnSchema>>
  /** The key exists only in Sluice, not in vTM. */
  readonly sluiceOnly?: boolean
  /** vTM's default where Sluice deliberately uses another one. */
  readonly vtmDefault?: DefaultValue
}

/** A section: key name to key schema. */
export type SectionSchema = Readonly<Record<string, KeySchema>>

/**
 * How objects of a type are stored: `object` is `{"properties": ...}` per name, `singleton`
 * is one such file (global settings), `raw` is file content kept as-is (rules, extra files).
 */
export type ObjectKind = 'object' | 'singleton' | 'raw'

/** One configuration object type. */
export interface ObjectTypeSchema {
  /** vTM's type name, e.g. `virtual_server`. */
  readonly name: string
  /** The REST URI path and the configuration directory path, e.g. `virtual_servers`. */
  readonly uri: string
  readonly kind: ObjectKind
  readonly sections: Readonly<Record<string, SectionSchema>>
}

/** The normalised form of an entry in a virtual server's rule list. */
export interface RuleEntry {
  readonly name: string
  readonly enabled: boolean
  readonly run_frequency: 'run_every' | 'only_first'
}
