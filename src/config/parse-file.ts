/**
 * Decoding of one configuration file (JSON or YAML) into a plain value.
 * @module
 */

import { parseDocument } from 'yaml'
import { errorMessage } from '../core/index.ts'
import type { Result } from '../core/index.ts'

/** Parses JSON or YAML text; the error is the parser's message with a line where known. */
export function parseConfigText(text: string, encoding: 'json' | 'yaml'): Result<unknown, string> {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text
  return encoding === 'json' ? parseJson(source) : parseYaml(source)
}

function parseJson(text: string): Result<unknown, string> {
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch (e) {
    // V8 may quote the whole input in its message; keep only the explanation.
    const message = (errorMessage(e).split('\n')[0] ?? '').replace(/, ".*$/, '')
    return { ok: false, error: `invalid JSON: ${message}` }
  }
}

function parseYaml(text: string): Result<unknown, string> {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true })
  const first = doc.errors[0]
  if (first !== undefined) {
    const pos = first.linePos?.[0]
    const where = pos === undefined ? '' : ` at line ${pos.line}, column ${pos.col}`
    const message = (first.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')
    return { ok: false, error: `invalid YAML${where}: ${message}` }
  }
  try {
    return { ok: true, value: doc.toJS() as unknown }
  } catch (e) {
    return { ok: false, error: `invalid YAML: ${errorMessage(e)}` }
  }
}
