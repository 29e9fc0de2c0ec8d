/**
 * Renders docs/rules/functions.md from the registry, so the function list cannot drift from the
 * code. Regenerate with:
 * `npx node -e "import('./src/rules/functions-doc.ts').then((m) => process.stdout.write(m.renderFunctionsDoc()))" > docs/rules/functions.md`
 * @module
 */
import { LIBRARY_MODULES, defaultRegistry } from './lib/index.ts'

function arity(min: number, max: number): string {
  if (min === max) return String(min)
  return max === Infinity ? `${min} or more` : `${min}–${max}`
}

/** The Markdown text of docs/rules/functions.md. */
export function renderFunctionsDoc(): string {
  const r = defaultRegistry()
  const aliases = new Map<string, string[]>()
  for (const m of LIBRARY_MODULES) {
    for (const [alias, a] of Object.entries(m.aliases ?? {})) {
      const target = r.lookup(a.target)?.def.name ?? a.target
      aliases.set(target, [...(aliases.get(target) ?? []), a.deprecated ? `also \`${alias}\` (deprecated)` : `also \`${alias}\``])
    }
  }
  const groups = new Map<string, string[]>()
  for (const n of r.names()) {
    const mod = n.split('.').slice(0, -1).join('.')
    groups.set(mod, [...(groups.get(mod) ?? []), n])
  }
  let out = `# TrafficScript functions in Sluice

Every built-in function, by module, with the number of arguments it takes. Names are
case-insensitive. **waits**: the function may suspend the rule (see the language reference,
section 5). **not supported yet**: the rule is accepted but Sluice does not carry the call out
(the note says what happens instead); every call gets a warning when the rule is checked
(\`sluice check\`, \`sluice rule test\`, the REST API). Other names listed after a function are
accepted spellings; deprecated ones produce a warning when the rule is checked.

Generated from the registry by \`src/rules/functions-doc.ts\`; a test keeps the two in step.
`
  for (const [mod, fns] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    out += `\n## ${mod}\n\n| function | arguments | notes |\n|---|---|---|\n`
    for (const n of fns) {
      const d = r.lookup(n)?.def
      if (d === undefined) continue
      const notes: string[] = []
      if (d.suspends === true) notes.push('waits')
      if (d.unsupported !== undefined) notes.push(`**not supported yet**: ${d.unsupported}`)
      if (d.unsupportedArg !== undefined) notes.push(`argument ${String(d.unsupportedArg.index + 1)} **not supported yet**: ${d.unsupportedArg.note}`)
      if (d.deprecatedFor !== undefined) notes.push(`deprecated: use \`${d.deprecatedFor}\``)
      notes.push(...(aliases.get(n) ?? []))
      out += `| \`${n}\` | ${arity(d.min, d.max)} | ${notes.join('; ')} |\n`
    }
  }
  return out
}
