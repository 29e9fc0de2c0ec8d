/**
 * Checks one `{"properties": {...}}` document against its type and fills every default.
 * @module
 */

import { describeValue } from './diagnostic.ts'
import { unknownKeyHint, unknownSectionHint } from './key-hint.ts'
import { reservedNameReason } from './reserved-names.ts'
import { defaultValue } from './schema/index.ts'
import type { ObjectTypeSchema } from './schema/index.ts'
import { checkValue, isPlainObject } from './validate-value.ts'
import type { ValueProblem } from './validate-value.ts'

/** Section name to key name to value, with every key of the type present. */
export type FilledProperties = Record<string, Record<string, unknown>>

/** The filled properties (defaults stand in for unusable values) and the problems found. */
export interface CheckedObject {
  readonly properties: FilledProperties
  readonly problems: readonly ValueProblem[]
}

const SHAPE = 'the file must hold {"properties": {"<section>": {"<key>": value}}}'

/** Checks a parsed document; `problems` with key `''` concern the document as a whole. */
export function checkObjectDocument(type: ObjectTypeSchema, doc: unknown): CheckedObject {
  const problems: ValueProblem[] = []
  let given: Record<string, unknown> = {}
  if (!isPlainObject(doc)) {
    problems.push({ key: '', reason: `${SHAPE}, got ${describeValue(doc)}` })
  } else {
    for (const top of Object.keys(doc)) {
      if (top !== 'properties') problems.push({ key: '', reason: `unexpected top-level key "${top}": ${SHAPE}` })
    }
    const props = doc['properties']
    if (isPlainObject(props)) given = props
    else problems.push({ key: '', reason: `${SHAPE}; "properties" is ${describeValue(props)}` })
  }
  const checked = checkProperties(type, given)
  return { properties: checked.properties, problems: [...problems, ...checked.problems] }
}

/** Checks a properties object (sections of keys) against a type; never throws. */
export function checkProperties(type: ObjectTypeSchema, given: Record<string, unknown>): CheckedObject {
  const problems: ValueProblem[] = []
  for (const section of Object.keys(given)) {
    const reserved = reservedNameReason(section)
    if (reserved !== undefined) problems.push({ key: section, reason: `unknown section: ${reserved}` })
    else if (!Object.hasOwn(type.sections, section)) {
      problems.push({ key: section, reason: `unknown section${unknownSectionHint(type, section)}` })
    }
  }
  const properties: FilledProperties = {}
  for (const [section, keys] of Object.entries(type.sections)) {
    const rawSection = Object.hasOwn(given, section) ? given[section] : undefined
    let values: Record<string, unknown> = {}
    if (isPlainObject(rawSection)) values = rawSection
    else if (rawSection !== undefined) {
      problems.push({ key: section, reason: `must be an object of keys, got ${describeValue(rawSection)}` })
    }
    for (const key of Object.keys(values)) {
      const reserved = reservedNameReason(key)
      if (reserved !== undefined) problems.push({ key: `${section}.${key}`, reason: `unknown key: ${reserved}` })
      else if (!Object.hasOwn(keys, key)) {
        problems.push({ key: `${section}.${key}`, reason: `unknown key${unknownKeyHint(type, section, key)}` })
      }
    }
    const filled: Record<string, unknown> = {}
    for (const [key, schema] of Object.entries(keys)) {
      const path = `${section}.${key}`
      const value = Object.hasOwn(values, key) ? values[key] : undefined
      if (value === undefined) {
        if (schema.required === true) problems.push({ key: path, reason: 'required key is missing' })
        filled[key] = copyDefault(defaultValue(schema))
        continue
      }
      const checked = checkValue(schema, value, path)
      problems.push(...checked.problems)
      filled[key] = checked.value
    }
    properties[section] = filled
  }
  return { properties, problems }
}

function copyDefault(value: unknown): unknown {
  return Array.isArray(value) ? [...(value as unknown[])] : value
}
