/**
 * The `sluice` command as a module: its command table and help (for the reference generator),
 * configuration checking and the rule test runner (for tests and the API's rule-test resource).
 * The entry point is main.ts.
 * @module
 */
export { COMMANDS } from './commands.ts'
export { commandHelp, overviewHelp } from './help.ts'
export { checkConfig, loadAndCheck } from './check.ts'
export { ruleTesterFor } from './rule-test-api.ts'
