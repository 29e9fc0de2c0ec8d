/**
 * `sluice rule test` for the REST API (and so the web UI): the rule text goes to a temporary
 * file, the request becomes the command's own options, and the command runs as it does on the
 * command line against the live configuration directory, so both say the same thing.
 * @module
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RuleTester, RuleTestInput } from '../api/index.ts'
import { isSafeObjectName } from '../config/index.ts'
import { parseRuleTestArgs } from './rule-test-args.ts'
import { ruleTestCommand } from './rule-test.ts'

/** The options `sluice rule test` would be given for `input`, after the rule file. */
function options(input: RuleTestInput, configDir: string): string[] {
  const argv = ['--config', configDir, '--method', input.method, '--url', input.url, '--phase', input.phase, '--body', input.body]
  for (const [name, value] of input.headers) argv.push('--header', `${name}: ${value}`)
  return argv
}

/** A RuleTester that runs the command against `configDir`. */
export function ruleTesterFor(configDir: string): RuleTester {
  return async (input) => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-rule-test-'))
    try {
      const file = join(dir, `${isSafeObjectName(input.name) ? input.name : 'rule'}.zts`)
      await writeFile(file, input.text, { mode: 0o600 })
      const lines: string[] = []
      const args = parseRuleTestArgs([file, ...options(input, configDir)])
      if (!args.ok) return { exitCode: 2, output: `sluice rule test: ${args.error}` }
      const exitCode = await ruleTestCommand(args.value, (l) => lines.push(l), (l) => lines.push(l))
      return { exitCode, output: lines.join('\n').replaceAll(file, input.name) }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }
}
