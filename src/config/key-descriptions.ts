/**
 * What every configuration key does, in Sluice's own words: one sentence or two per key, by
 * `uri/section.key`. The one table behind the configuration reference (docs/reference), the web
 * UI's form help and the OpenAPI document. Hand-written (no other product's prose is copied)
 * and split by object type into the modules of key-descriptions/. Support levels are not part of
 * the text: they come from NOT_APPLIED (see support.ts and key-help.ts). A test keeps the table
 * and the schema in step, both ways.
 * @module
 */
import { ACTION_DESCRIPTIONS, EVENT_TYPE_DESCRIPTIONS } from './key-descriptions/actions.ts'
import { CLASS_DESCRIPTIONS } from './key-descriptions/classes.ts'
import { GLOBAL_SYSTEM_DESCRIPTIONS } from './key-descriptions/global-settings-system.ts'
import { GLOBAL_TRAFFIC_DESCRIPTIONS } from './key-descriptions/global-settings-traffic.ts'
import { MONITOR_DESCRIPTIONS, PERSISTENCE_DESCRIPTIONS } from './key-descriptions/monitors.ts'
import { OTHER_TYPE_DESCRIPTIONS } from './key-descriptions/other-types.ts'
import { POOL_DESCRIPTIONS } from './key-descriptions/pools.ts'
import { VIRTUAL_SERVER_DESCRIPTIONS } from './key-descriptions/virtual-servers.ts'

/** The description of every key of the schema, by `uri/section.key` (`pools/basic.monitors`). */
export const KEY_DESCRIPTIONS: Readonly<Record<string, string>> = {
  ...ACTION_DESCRIPTIONS,
  ...EVENT_TYPE_DESCRIPTIONS,
  ...CLASS_DESCRIPTIONS,
  ...MONITOR_DESCRIPTIONS,
  ...PERSISTENCE_DESCRIPTIONS,
  ...OTHER_TYPE_DESCRIPTIONS,
  ...POOL_DESCRIPTIONS,
  ...VIRTUAL_SERVER_DESCRIPTIONS,
  ...GLOBAL_TRAFFIC_DESCRIPTIONS,
  ...GLOBAL_SYSTEM_DESCRIPTIONS,
}
