/**
 * Where `log` and `program` actions may reach on disk, and how event text is written into a
 * file. Anyone who may change the configuration (an API user, a file in the configuration
 * directory) can name these paths, so they are confined: log files live in
 * `<config dir>/.sluice/action_logs/` and programs in `<config dir>/action_programs/`. An action
 * must never become a way to append to a shell start-up file or to run any executable on the
 * machine.
 * @module
 */
import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import type { Diagnostic } from '../config/index.ts'
import type { ConfigObjects } from './actions.ts'

/** The only directory `log` actions write in. */
export function actionLogDir(configDir: string): string {
  return join(configDir, '.sluice', 'action_logs')
}

/** The only directory `program` actions run programs from (vTM's action programs catalogue). */
export function actionProgramDir(configDir: string): string {
  return join(configDir, 'action_programs')
}

/** A file resolved inside its directory, or why it may not be used. */
export type ConfinedPath = { readonly ok: true; readonly path: string } | { readonly ok: false; readonly reason: string }

/**
 * Resolves `name` (a file name, or an absolute path) to a file directly inside `dir`. `dir`
 * undefined means the directory is not known yet, so only plain file names can be checked.
 */
export function confinedFile(dir: string | undefined, name: string, label: string): ConfinedPath {
  const refuse = (why: string): ConfinedPath => ({
    ok: false,
    reason: `${why}; it must be a file name in ${label} (an absolute path is accepted only inside that directory)`,
  })
  if (name === '') return refuse('it is empty')
  if (!isAbsolute(name) && (name.includes('/') || name.includes('\\'))) return refuse(`"${name}" names a sub-directory`)
  if (dir === undefined) return isAbsolute(name) ? refuse(`"${name}" is outside ${label}`) : { ok: true, path: name }
  const base = resolve(dir)
  const path = resolve(base, name)
  const rel = relative(base, path)
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.includes(sep)) return refuse(`"${name}" is outside ${label}`)
  if (rel.startsWith('.')) return refuse(`"${name}" is a hidden file`)
  return { ok: true, path }
}

/** The file a `log` action appends to. */
export function actionLogFile(configDir: string | undefined, file: string): ConfinedPath {
  return confinedFile(configDir === undefined ? undefined : actionLogDir(configDir), file, '.sluice/action_logs/')
}

/** The executable a `program` action runs. */
export function actionProgramFile(configDir: string | undefined, program: string): ConfinedPath {
  return confinedFile(configDir === undefined ? undefined : actionProgramDir(configDir), program, 'action_programs/')
}

/** Every `log.file` and `program.program` that points outside its directory, as diagnostics. */
export function actionPathProblems(objects: ConfigObjects, configDir: string | undefined): Diagnostic[] {
  const problems: Diagnostic[] = []
  for (const [name, props] of objects.get('actions') ?? []) {
    const type = props['basic']?.['type']
    const check = (section: string, key: string, resolveIt: (dir: string | undefined, value: string) => ConfinedPath) => {
      const value = props[section]?.[key]
      if (typeof value !== 'string' || value === '') return
      const outcome = resolveIt(configDir, value)
      if (!outcome.ok) problems.push({ objectType: 'actions', objectName: name, key: `${section}.${key}`, reason: outcome.reason })
    }
    if (type === 'log') check('log', 'file', actionLogFile)
    if (type === 'program') check('program', 'program', actionProgramFile)
  }
  return problems
}

// Letters, digits and punctuation no common shell gives a meaning to; everything else
// (quotes, $, `, ;, |, &, <, >, parentheses, globs, control characters, %) is percent-encoded.
const UNSAFE_IN_LOG = /[^A-Za-z0-9 ._,:@/+=[\]#-]/gu

/** `text` with every character a shell might act on percent-encoded (UTF-8 bytes, `%XX`). */
export function escapeLogText(text: string): string {
  return text.replace(UNSAFE_IN_LOG, (c) =>
    [...Buffer.from(c, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  )
}

/** Like escapeLogText, and spaces too, for values in space-separated `key=value` lists. */
export function escapeLogWord(text: string): string {
  return escapeLogText(text).replaceAll(' ', '%20')
}
