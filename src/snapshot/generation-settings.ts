/**
 * A virtual server's `generations` section, checked and built into a GenerationPlan (issue #19):
 * names, pools and states, exactly one current generation, the canary, how sessions are known,
 * and the testers. Every problem names the key.
 * @module
 */
import type { Diagnostic, VirtualServerProperties } from '../config/index.ts'
import { GENERATION_NAME, generationTableName, type Generation, type GenerationPlan, type GenerationStore, type SessionKeySource, type Testers } from '../generations/index.ts'
import { PERSISTENCE_TYPES, type PersistenceClasses, type PersistenceStore } from '../persist/index.ts'
import type { Pool } from '../pool/index.ts'
import { buildAddressList } from '../protect/index.ts'

export interface GenerationContext {
  readonly pools: ReadonlyMap<string, Pool>
  readonly persistence: PersistenceClasses
  readonly tables: PersistenceStore
  readonly store: GenerationStore
  readonly problems: Diagnostic[]
}

/** The plan of virtual server `name`, or null when it has no generations (or they are invalid: see problems). */
export function buildGenerationPlan(name: string, vs: VirtualServerProperties, ctx: GenerationContext): GenerationPlan | null {
  const g = vs.generations
  if (g.table.length === 0) return null
  const before = ctx.problems.length
  const problem = (key: string, reason: string) => ctx.problems.push({ objectType: 'virtual_servers', objectName: name, key: `generations.${key}`, reason })
  const generations: Generation[] = []
  const byName = new Map<string, Generation>()
  for (const row of g.table) {
    if (!GENERATION_NAME.test(row.name)) problem('table', `generation "${row.name}": a name has 1 to 64 letters, digits, _ or -`)
    if (byName.has(row.name)) problem('table', `generation "${row.name}" is listed twice`)
    const pool = ctx.pools.get(row.pool)
    if (pool === undefined) {
      problem('table', `generation "${row.name}": no pool "${row.pool}"`)
      continue
    }
    const gen: Generation = Object.freeze({ name: row.name, pool, state: row.state, counters: ctx.store.counters(name, row.name) })
    generations.push(gen)
    byName.set(row.name, gen)
  }
  const currents = generations.filter((x) => x.state === 'current')
  if (currents.length !== 1) problem('table', `exactly one generation must be current; ${currents.length === 0 ? 'none is' : `${String(currents.length)} are (${currents.map((x) => x.name).join(', ')})`}`)
  const previous = g.previous === '' ? null : (byName.get(g.previous) ?? null)
  if (g.previous !== '' && previous === null) problem('previous', `no generation "${g.previous}" in generations.table`)
  const source = sessionSource(vs, ctx, problem)
  const testers = buildTesters(vs, problem)
  const current = currents[0]
  if (ctx.problems.length > before || current === undefined) return null
  const testing = generations.filter((x) => x.state === 'testing').at(-1) ?? null
  const canaryRest = g.canary_percent < 100 && previous !== null && previous !== current && previous.state === 'draining' ? previous : null
  const idleMs = g.idle_timeout * 1000
  const sessions = ctx.tables.table(generationTableName(name), 'generations', { maxEntries: g.max_sessions, expiryMs: idleMs })
  // The primary counts sessions for status and `drained`: uses are told to it a few times per idle time.
  sessions.refreshRelayMs = Math.max(1000, Math.floor(idleMs / 4))
  return Object.freeze({
    virtualServer: name,
    generations: Object.freeze(generations),
    byName,
    current,
    previous,
    canaryPercent: g.canary_percent,
    canaryRest,
    testing,
    cookieName: g.cookie,
    source,
    idleMs,
    cookieAttributes: `; Path=/; HttpOnly; SameSite=Lax${vs.basic.ssl_decrypt ? '; Secure' : ''}`,
    testers,
    sessions,
    store: ctx.store,
  })
}

function sessionSource(vs: VirtualServerProperties, ctx: GenerationContext, problem: (key: string, reason: string) => void): SessionKeySource | null {
  const g = vs.generations
  if (g.session === 'sluice_cookie' || g.session === 'app_cookie') {
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(g.cookie)) problem('cookie', `"${g.cookie}" is not a cookie name`)
  }
  if (g.session === 'sluice_cookie') return null
  if (g.session === 'app_cookie') {
    const type = PERSISTENCE_TYPES.get('cookie')
    if (type === undefined) return null
    return { type, settings: { subnetPrefixLengthV4: 32, subnetPrefixLengthV6: 128, cookie: g.cookie, transparentCookie: '', transparentAlwaysSet: false, transparentDirectives: '' }, appCookie: g.cookie }
  }
  const cls = ctx.persistence.get(g.persistence_class)
  if (cls === undefined) {
    problem('persistence_class', g.persistence_class === '' ? 'session persistence_class needs generations.persistence_class' : `no persistence class "${g.persistence_class}"`)
    return null
  }
  if (!cls.type.usesTable || cls.type.transparent === true || cls.type.namesNodeInCookie !== undefined) {
    problem('persistence_class', `persistence class "${g.persistence_class}" is of type ${cls.type.name}, which names nodes rather than sessions; use ip, universal, cookie, asp, j2ee or ssl`)
    return null
  }
  return { type: cls.type, settings: cls.settings, appCookie: cls.type.name === 'cookie' ? cls.settings.cookie : '' }
}

/** "Name" or "Name: value" (fields); "name" or "name=value" (cookies). */
function split(text: string, sep: string): [string, string] {
  const at = text.indexOf(sep)
  return at < 0 ? [text.trim(), ''] : [text.slice(0, at).trim(), text.slice(at + 1).trim()]
}

function buildTesters(vs: VirtualServerProperties, problem: (key: string, reason: string) => void): Testers | null {
  const g = vs.generations
  const [header, headerValue] = split(g.tester_header, ':')
  const [cookie, cookieValue] = split(g.tester_cookie, '=')
  if (g.tester_header !== '' && !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(header)) problem('tester_header', `"${g.tester_header}" is not "Name" or "Name: value"`)
  if (g.tester_cookie !== '' && !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(cookie)) problem('tester_cookie', `"${g.tester_cookie}" is not "name" or "name=value"`)
  let addresses = null
  if (g.tester_addresses.length > 0) {
    const built = buildAddressList(g.tester_addresses)
    if ('bad' in built) problem('tester_addresses', `"${built.bad}" ${built.reason}`)
    else addresses = built.list
  }
  if (header === '' && cookie === '' && addresses === null) return null
  return Object.freeze({ header: header.toLowerCase(), headerValue, cookie, cookieValue, addresses })
}
