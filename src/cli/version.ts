/**
 * Where the installed Sluice lives and which version it is. The same from a clone (src/cli) and
 * from the package (dist/cli): both sit two levels below the package root.
 * @module
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The directory holding package.json (a clone's root, or the installed package). */
export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** The built-in configuration `sluice start` runs without `--config`. */
export const QUICKSTART_CONFIG_DIR = join(PACKAGE_ROOT, 'examples', 'quickstart', 'config')

/** The version in package.json (`0.0.0` if it has none). */
export function sluiceVersion(): string {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version?: unknown }
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0'
}

/** What `sluice --version` prints. */
export function versionLine(): string {
  return `sluice ${sluiceVersion()}`
}
