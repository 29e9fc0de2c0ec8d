/**
 * Help text for `sluice help`, `sluice COMMAND --help` and docs/reference/cli.md, all from the
 * command table.
 * @module
 */
import { COMMANDS, GLOBAL_OPTIONS, type CommandHelp, type OptionHelp } from './commands.ts'

const WIDTH = 100

/** `--config DIR`, `--header 'Name: value' (repeat)`. */
export function optionLabel(o: OptionHelp): string {
  return `${o.name}${o.value === undefined ? '' : ` ${o.value}`}${o.repeats === true ? ' (repeat)' : ''}`
}

/** Words of `text` in lines of at most `width` characters, each after `indent`. */
function wrap(text: string, indent: string, width: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/)) {
    if (line !== '' && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line)
      line = word
    } else {
      line = line === '' ? word : `${line} ${word}`
    }
  }
  if (line !== '') lines.push(indent + line)
  return lines
}

/** Two columns: labels, then their text wrapped under the second column. */
function table(rows: readonly (readonly [string, string])[]): string[] {
  const labelWidth = Math.min(30, Math.max(...rows.map(([l]) => l.length)) + 2)
  const out: string[] = []
  for (const [label, text] of rows) {
    const pad = ' '.repeat(labelWidth + 2)
    const wrapped = wrap(text, pad, WIDTH)
    if (label.length + 2 <= labelWidth) {
      out.push(`  ${label.padEnd(labelWidth)}${(wrapped[0] ?? '').trimStart()}`, ...wrapped.slice(1))
    } else {
      out.push(`  ${label}`, ...wrapped)
    }
  }
  return out
}

/** `sluice --help`: every command in one line, the shared options and the exit codes. */
export function overviewHelp(): string {
  const lines = [
    'Usage: sluice <command> [options]',
    '',
    'Commands:',
    ...table(COMMANDS.map((c) => [c.name, c.summary])),
    '',
    'Options of every command:',
    ...table(GLOBAL_OPTIONS.map((o) => [optionLabel(o), o.text])),
    '',
    'Exit status: 0 success; 1 the command failed (an invalid configuration, Sluice could not start,',
    'rule errors); 2 wrong usage; 3 a rule was aborted (rule test).',
    '',
    "Run 'sluice help COMMAND' (or 'sluice COMMAND --help') for its options and an example.",
  ]
  return lines.join('\n') + '\n'
}

/** `sluice help COMMAND`: usage, what it does, options, examples and exit codes. */
export function commandHelp(c: CommandHelp): string {
  const lines = [`Usage: ${c.usage}`, '', c.summary, ...c.details]
  if (c.options.length > 0) lines.push('', 'Options:', ...table(c.options.map((o) => [optionLabel(o), o.text])))
  lines.push('', `Example${c.examples.length === 1 ? '' : 's'}:`, ...c.examples.map((e) => `  ${e}`))
  lines.push('', 'Exit status:', ...table(c.exitCodes.map(([code, text]) => [String(code), text])))
  return lines.join('\n') + '\n'
}
