/**
 * Configuration problems as values, and how they read.
 * @module
 */

/** One configuration problem. Validation collects all of them before reporting. */
export interface Diagnostic {
  /** The file the problem is in, when the configuration came from files on disk. */
  readonly file?: string
  /** The type's URI path, e.g. `virtual_servers`; empty when the path names no known type. */
  readonly objectType: string
  /** The object's name; empty for global settings and for problems not tied to one object. */
  readonly objectName: string
  /** `section.key`, with a row index for tables: `basic.nodes_table[2].weight`. */
  readonly key?: string
  readonly reason: string
  /** A warning does not stop a configuration from being applied; absent means an error. */
  readonly severity?: 'warning'
}

/**
 * One line for a person, e.g.
 * `virtual_servers/web (config/virtual_servers/web): basic.port: must be an integer from 0 to 65535, got "80a"`;
 * a warning reads `...: basic.bandwidth_class: warning: ...`.
 */
export function formatDiagnostic(d: Diagnostic): string {
  // Rule problems already read `rule NAME: line L, column C: ...` with the source line and a caret.
  const rulePrefix = `rule ${d.objectName}: `
  if (d.objectType === 'rules' && d.key === undefined && d.reason.startsWith(rulePrefix)) {
    return d.file === undefined ? d.reason : `rule ${d.objectName} (${d.file}): ${d.reason.slice(rulePrefix.length)}`
  }
  const object = d.objectName === '' ? d.objectType : `${d.objectType}/${d.objectName}`
  let head: string
  if (d.file === undefined) head = object === '' ? 'configuration' : object
  else head = object === '' ? d.file : `${object} (${d.file})`
  const reason = d.severity === 'warning' ? `warning: ${d.reason}` : d.reason
  return d.key === undefined ? `${head}: ${reason}` : `${head}: ${d.key}: ${reason}`
}

/** A short, single-line rendering of a value found in a configuration file. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing'
  // JSON.stringify gives undefined for these; parsed config never holds them anyway.
  if (typeof value === 'function' || typeof value === 'symbol') return typeof value
  let text: string
  try {
    text = JSON.stringify(value)
  } catch {
    text = typeof value
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}
