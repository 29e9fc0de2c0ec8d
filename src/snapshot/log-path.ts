/**
 * Where a virtual server's request log goes, and the check that it never lands among the
 * configuration objects: the loader would take the log file for an unknown object and refuse
 * every later reload, API change and restart.
 * @module
 */
import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import { STATE_DIR_NAME, isIgnoredPath } from '../config/index.ts'
import { expandLogFilename } from '../stats/index.ts'

/**
 * The absolute log file for `filename` (vTM `log.filename`): relative names are relative to the
 * configuration directory, `%zeushome%` is its state directory (`.sluice`), `%v` the virtual
 * server's name.
 */
export function logFilePath(filename: string, virtualServer: string, configDir: string | undefined): string {
  const home = resolve(configDir ?? '.')
  return resolve(home, expandLogFilename(filename, virtualServer, join(home, STATE_DIR_NAME)))
}

/**
 * Files of the state directory that Sluice reads back (the API's users and settings) or keeps
 * whole (the audit log); see src/api/users.ts, src/cli/start.ts and src/api/api-server.ts. Log
 * lines appended to them would lock users out of the API or corrupt its record.
 */
const STATE_FILES: ReadonlySet<string> = new Set(['users.json', 'api.json', 'audit.log'])

/** Why `path` cannot be a log file of a configuration in `configDir`, or undefined. */
export function logPathProblem(path: string, configDir: string | undefined): string | undefined {
  if (configDir === undefined) return undefined
  const rel = relative(resolve(configDir), path)
  const [top, name, ...deeper] = rel.split(sep)
  if (top === STATE_DIR_NAME && name !== undefined && deeper.length === 0 && STATE_FILES.has(name)) {
    return `the log file ${path} is a file Sluice keeps its own state in; use another name (the default is ${STATE_DIR_NAME}/logs/%v.log)`
  }
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || isIgnoredPath(rel)) return undefined
  return (
    `the log file ${path} would be inside the configuration directory, where every file must be a ` +
    `configuration object; use a path outside it or below ${STATE_DIR_NAME}/ (the default is ${STATE_DIR_NAME}/logs/%v.log)`
  )
}
