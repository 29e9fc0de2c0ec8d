/**
 * Names that JavaScript objects already answer to (`constructor`, `toString`, `__proto__`, ...).
 * A configuration never uses them as object, section, key or column names: an `in` test would
 * take them for known names, and assigning `__proto__` would drop the value silently.
 * @module
 */

const RESERVED: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype))

/** Why `name` cannot be used as a name in a configuration, or undefined when it can. */
export function reservedNameReason(name: string): string | undefined {
  return RESERVED.has(name) ? `"${name}" is a reserved name` : undefined
}

