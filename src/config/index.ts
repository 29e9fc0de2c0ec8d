/**
 * Sluice's configuration: the vTM-shaped schema, validation, and the directory store.
 * Other folders import only from here.
 * @module
 */

export { validateConfig } from './validate.ts'
export { loadConfigDir, loadConfigFromObjects, writeConfigObject, deleteConfigObject } from './store.ts'
export { formatDiagnostic } from './diagnostic.ts'
export type { Diagnostic } from './diagnostic.ts'
export { checkCommand } from './check.ts'
export { REFERENCES, findReferrers } from './cross-check.ts'
export type { Reference } from './cross-check.ts'
export { getObjects } from './valid-config.ts'
export type { ValidConfig, RawConfig, RawConfigFile, ObjectProperties } from './valid-config.ts'
export { STATE_DIR_NAME, isIgnoredPath, isSafeObjectName, resolveConfigPath } from './paths.ts'
export type { ResolvedPath } from './paths.ts'
export { checkProperties } from './validate-object.ts'
export { nodeAddressProblem } from './validate-value.ts'
export { defaultProperties } from './validate.ts'
export {
  OBJECT_TYPE_SCHEMAS,
  RAW_TYPE_URIS,
  listObjectTypes,
  getObjectType,
  getKeySchema,
  defaultValue,
} from './schema/index.ts'
export type * from './schema/index.ts'
