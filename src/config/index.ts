/**
 * Sluice's configuration: the vTM-shaped schema, validation, and the directory store.
 * Other folders import only from here.
 * @module
 */

export { validateConfig, validateConfigAll } from './validate.ts'
export type { ConfigValidation } from './validate.ts'
export { loadConfigDir, loadConfigFromObjects, readConfigDir, writeConfigObject, deleteConfigObject } from './store.ts'
export { formatDiagnostic } from './diagnostic.ts'
export type { Diagnostic } from './diagnostic.ts'
export { REFERENCES, findReferrers } from './cross-check.ts'
export type { Reference } from './cross-check.ts'
export { getObjects } from './valid-config.ts'
export type { ValidConfig, RawConfig, RawConfigFile, ObjectProperties } from './valid-config.ts'
export { STATE_DIR_NAME, isIgnoredPath, isSafeObjectName, resolveConfigPath } from './paths.ts'
export type { ResolvedPath } from './paths.ts'
export { checkProperties } from './validate-object.ts'
export { nodeAddressProblem } from './validate-value.ts'
export { defaultProperties } from './validate.ts'
export { NOT_APPLIED, keysOf } from './unsupported.ts'
export type { NotApplied } from './unsupported.ts'
export {
  OBJECT_TYPE_SCHEMAS,
  RAW_TYPE_URIS,
  listObjectTypes,
  getObjectType,
  getKeySchema,
  defaultValue,
} from './schema/index.ts'
export type * from './schema/index.ts'
export { diffConfigs, describeConfigDiff } from './diff.ts'
export type { ConfigDiff } from './diff.ts'
export { keyProblemAt, MAX_KEY_FILE_BYTES } from './file-keys.ts'
export { keySupport, typeSupport } from './support.ts'
export type { Support, SupportLevel } from './support.ts'
export { keyHelp } from './key-help.ts'
export { ReloadQueue, watchConfigDir } from './watch-dir.ts'
export { KEY_DESCRIPTIONS } from './key-descriptions.ts'
