/**
 * Finds the rules `sluice rule test` runs: files named on the command line, rules of a
 * configuration directory, and every rule they import (from the configuration, or from the
 * importing file's directory).
 * @module
 */
import { readFileSync, statSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import type { ValidConfig } from '../config/index.ts'
import { err, errorMessage, ok, type Result } from '../core/index.ts'
import { parse } from '../rules/index.ts'

/** Rule sources by name, and the names to run in order. */
export interface RuleSources {
  readonly sources: ReadonlyMap<string, string>
  readonly run: readonly string[]
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}

/** The rule name of a file: its base name without a `.zts` ending. */
function ruleName(path: string): string {
  const base = basename(path)
  return base.endsWith('.zts') && base.length > 4 ? base.slice(0, -4) : base
}

function importsOf(source: string): string[] {
  const out: string[] = []
  // Imports are top-level statements; a source that does not parse is reported by checkRules.
  for (const st of parse(source).program.body) if (st.kind === 'import') out.push(st.rule)
  return out
}

/** Loads the named rules and, transitively, what they import. */
export function loadRuleSources(names: readonly string[], config: ValidConfig | null): Result<RuleSources, string> {
  const sources = new Map<string, string>()
  const dirOf = new Map<string, string | null>()
  const run: string[] = []
  for (const arg of names) {
    let name: string
    let source: string
    let dir: string | null
    if (isFile(arg)) {
      name = ruleName(arg)
      try {
        source = readFileSync(arg, 'utf8')
      } catch (e: unknown) {
        return err(`cannot read ${arg}: ${errorMessage(e)}`)
      }
      dir = dirname(arg)
    } else {
      const configured = config?.rules.get(arg)
      if (configured === undefined) {
        return err(config === null
          ? `no rule file "${arg}"`
          : `"${arg}" is neither a rule file nor a rule of the configuration`)
      }
      name = arg
      source = configured
      dir = null
    }
    if (sources.has(name)) {
      if (sources.get(name) !== source) return err(`two different rules are called "${name}"`)
    } else {
      sources.set(name, source)
      dirOf.set(name, dir)
    }
    run.push(name)
  }
  // Imports: breadth first, each rule loaded once, bounded by the files that exist.
  const queue = [...sources.keys()]
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const dir = dirOf.get(next) ?? null
    for (const wanted of importsOf(sources.get(next) ?? '')) {
      if (sources.has(wanted)) continue
      const configured = config?.rules.get(wanted)
      let found: { source: string; dir: string | null } | null = configured === undefined ? null : { source: configured, dir: null }
      if (found === null && dir !== null) {
        for (const candidate of [join(dir, wanted), join(dir, `${wanted}.zts`)]) {
          if (!isFile(candidate)) continue
          try {
            found = { source: readFileSync(candidate, 'utf8'), dir }
          } catch (e: unknown) {
            return err(`cannot read ${candidate}: ${errorMessage(e)}`)
          }
          break
        }
      }
      // A missing import is left for checkRules, which reports it with its line and column.
      if (found === null) continue
      sources.set(wanted, found.source)
      dirOf.set(wanted, found.dir)
      queue.push(wanted)
    }
  }
  return ok({ sources, run })
}
