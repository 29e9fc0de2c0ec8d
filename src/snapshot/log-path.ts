/**
 * Where a virtual server's request log goes, and the check that it never lands among the
 * configuration objects: the loader would take the log file for an unknown object and refuse
 * every later reload, API change and restart.
 * @module
 */
import { isAbsolute, join, relative, resolve } from 'node:path'
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

/** Why `path` cannot be a log file of a configuration in `configDir`, or undefined. */
export function logPathProblem(path: string, configDir: string | undefined): string | undefined {
  if (configDir === undefined) return undefined
  const rel = relative(resolve(configDir), path)
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || isIgnoredPath(rel)) return undefined
  return (
    `the log file ${path} would be inside the configuration directory, where every file must be a ` +
    `configuration object; use a path outside it or below ${STATE_DIR_NAME}/ (the default is ${STATE_DIR_NAME}/logs/%v.log)`
  )
}
