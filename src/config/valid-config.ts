/**
 * The validated configuration that the rest of Sluice reads.
 * @module
 */

import type {
  GlobalSettingsProperties,
  ObjectPropertiesByUri,
  PoolProperties,
  VirtualServerProperties,
} from './schema/index.ts'
import type { Diagnostic } from './diagnostic.ts'

/** Section name to key name to value, every default filled in. */
export type ObjectProperties = Readonly<Record<string, Readonly<Record<string, unknown>>>>

/** A complete, validated and frozen configuration. */
export interface ValidConfig {
  /** The directory it was loaded from, if any. */
  readonly dir: string | undefined
  readonly virtualServers: ReadonlyMap<string, VirtualServerProperties>
  readonly pools: ReadonlyMap<string, PoolProperties>
  readonly globalSettings: GlobalSettingsProperties
  /** Rule name to TrafficScript source. */
  readonly rules: ReadonlyMap<string, string>
  /** Extra file name to its bytes. */
  readonly extraFiles: ReadonlyMap<string, Buffer>
  /**
   * Every typed object with defaults filled, by type URI (e.g. `monitors`) and name,
   * including virtual servers, pools and `global_settings` (one object of that name).
   */
  readonly objects: ReadonlyMap<string, ReadonlyMap<string, ObjectProperties>>
  /** Every raw-content object by type URI (`rules`, `extra_files`, `ssl/cas`, ...) and name. */
  readonly rawFiles: ReadonlyMap<string, ReadonlyMap<string, Buffer>>
  /** The file each object was read from, by type URI and name (when it came from a directory). */
  readonly files: ReadonlyMap<string, ReadonlyMap<string, string>>
  /** What is accepted but has no effect yet (keys Sluice does not apply); never blocks applying. */
  readonly warnings: readonly Diagnostic[]
}

/** One file of a configuration that has not been checked yet. */
export interface RawConfigFile {
  /** Path relative to the configuration directory, with `/` separators: `pools/web.yaml`. */
  readonly path: string
  readonly content: string | Uint8Array
}

/** A configuration as read, before validation. */
export interface RawConfig {
  readonly dir: string | undefined
  readonly files: readonly RawConfigFile[]
  /** Problems the reader already found (unknown directories, unreadable files). */
  readonly problems?: readonly Diagnostic[]
}

/** Typed access to the objects of one type: `getObjects(config, 'monitors')`. */
export function getObjects<U extends keyof ObjectPropertiesByUri>(
  config: ValidConfig,
  uri: U,
): ReadonlyMap<string, ObjectPropertiesByUri[U]> {
  // The validator filled every object from the same schema these types were generated from.
  return (config.objects.get(uri) ?? new Map()) as unknown as ReadonlyMap<string, ObjectPropertiesByUri[U]>
}
