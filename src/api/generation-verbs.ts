/**
 * The generation verbs as changes to a virtual server's `generations` section (issue #19):
 * deploy, rollback, reap and canary. Pure: the route applies the result through the editor,
 * so a verb is validated, written and applied like any other change, and nothing is half-done.
 * @module
 */

export interface GenerationRowConfig {
  readonly name: string
  readonly pool: string
  readonly state: 'testing' | 'current' | 'draining' | 'reaped'
}

export interface GenerationsSection {
  readonly table: readonly GenerationRowConfig[]
  readonly previous: string
  readonly canary_percent: number
}

/** The new section, or why the verb is refused (status 404 no such generation, 409 otherwise). */
export type VerbOutcome = { readonly ok: true; readonly section: GenerationsSection } | { readonly ok: false; readonly status: 404 | 409; readonly reason: string }

const refuse = (status: 404 | 409, reason: string): VerbOutcome => ({ ok: false, status, reason })

function withStates(g: GenerationsSection, states: Readonly<Record<string, GenerationRowConfig['state']>>): GenerationRowConfig[] {
  return g.table.map((row) => ({ name: row.name, pool: row.pool, state: states[row.name] ?? row.state }))
}

function current(g: GenerationsSection): GenerationRowConfig | undefined {
  return g.table.find((row) => row.state === 'current')
}

/**
 * `target` (default: the last testing generation) becomes current; the current one drains and
 * becomes `previous`. `canary` below 100 sends only that share of new sessions to the target.
 */
export function deploy(g: GenerationsSection, target: string | null, canary: number | null): VerbOutcome {
  const row = target === null ? g.table.filter((r) => r.state === 'testing').at(-1) : g.table.find((r) => r.name === target)
  if (row === undefined) return target === null ? refuse(409, 'no generation is testing: name the generation to deploy') : refuse(404, `no generation "${target}"`)
  if (row.state === 'current') return refuse(409, `generation "${row.name}" is already current`)
  if (row.state === 'reaped') return refuse(409, `generation "${row.name}" was reaped; list it again as testing to deploy it`)
  const old = current(g)
  const states: Record<string, GenerationRowConfig['state']> = { [row.name]: 'current' }
  if (old !== undefined) states[old.name] = 'draining'
  return { ok: true, section: { table: withStates(g, states), previous: old?.name ?? '', canary_percent: canary ?? 100 } }
}

/** The previous generation is current again; the one that replaced it drains (its sessions stay). */
export function rollback(g: GenerationsSection): VerbOutcome {
  if (g.previous === '') return refuse(409, 'there is no previous generation to roll back to')
  const back = g.table.find((r) => r.name === g.previous)
  if (back === undefined) return refuse(409, `the previous generation "${g.previous}" is no longer listed`)
  if (back.state === 'reaped') return refuse(409, `the previous generation "${back.name}" was reaped`)
  if (back.state === 'current') return refuse(409, `generation "${back.name}" is already current`)
  const old = current(g)
  const states: Record<string, GenerationRowConfig['state']> = { [back.name]: 'current' }
  if (old !== undefined) states[old.name] = 'draining'
  return { ok: true, section: { table: withStates(g, states), previous: old?.name ?? '', canary_percent: 100 } }
}

/**
 * A draining (or testing) generation takes no more traffic. Refused while it has `sessions`
 * unless `force`: then those sessions start again on the current generation.
 */
export function reap(g: GenerationsSection, target: string, sessions: number, force: boolean): VerbOutcome {
  const row = g.table.find((r) => r.name === target)
  if (row === undefined) return refuse(404, `no generation "${target}"`)
  if (row.state === 'current') return refuse(409, `generation "${target}" is current; deploy another generation first`)
  if (row.state === 'reaped') return refuse(409, `generation "${target}" is already reaped`)
  if (sessions > 0 && !force) return refuse(409, `generation "${target}" still has ${String(sessions)} live session${sessions === 1 ? '' : 's'}; wait for them to end, or force the reap to cut them`)
  const previous = g.previous === target ? '' : g.previous
  return { ok: true, section: { table: withStates(g, { [target]: 'reaped' }), previous, canary_percent: previous === '' ? 100 : g.canary_percent } }
}

/** The current generation's share of new sessions; the previous (draining) one takes the rest. */
export function canary(g: GenerationsSection, percent: number): VerbOutcome {
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) return refuse(409, `canary_percent: ${String(percent)} is not a whole number from 0 to 100`)
  const back = g.table.find((r) => r.name === g.previous)
  if (percent < 100 && (back === undefined || back.state !== 'draining')) return refuse(409, 'a canary needs a previous generation that is draining to take the other sessions; deploy first')
  return { ok: true, section: { table: g.table, previous: g.previous, canary_percent: percent } }
}
