/**
 * The generations pages (issue #19): `#/generations` lists the virtual servers that have
 * generations; `#/generations/VS` shows each generation's state, live sessions, requests per
 * second, errors and mean response time (every second), with one button per step: Deploy,
 * Reap (asking before cutting live sessions), Rollback and the canary share. Each button is one
 * REST call to `status/local_tm/generations/VS/<verb>`, made as the logged-in user.
 * @module
 */
import { API, call, canEdit, errorText, field, seg } from './api.ts'
import { formatNumber, h, replace } from './dom.ts'
import { poll } from './overview.ts'

interface Row {
  name: string
  pool: string
  state: string
  sessions: number
  requests_per_second: number
  errors: number
  error_percent: number
  mean_response_ms: number
}

const BASE = `${API}/status/local_tm/generations`

async function act(vs: string, verb: string, body: Record<string, unknown>, status: HTMLElement, done: string): Promise<void> {
  status.textContent = `${verb}…`
  const r = await call('POST', `${BASE}/${seg(vs)}/${verb}`, body)
  status.textContent = r.ok ? done : `${verb} refused: ${errorText(r)}`
}

/** Lists the virtual servers with generations. */
export function showGenerationsList(el: HTMLElement): () => void {
  const list = h('ul')
  replace(el, h('h1', {}, 'Generations'), h('p', {}, 'Virtual servers whose application is deployed in generations (see docs/generations.md).'), list)
  return poll(5000, async () => {
    const r = await call('GET', BASE)
    const apps = field(r.body, 'virtual_servers')
    if (!Array.isArray(apps)) return
    replace(list, apps.length === 0 ? h('li', {}, 'No virtual server has generations.') : (apps as Record<string, unknown>[]).map((a) => {
      const name = String(a['virtual_server'])
      return h('li', {}, h('a', { href: `#/generations/${seg(name)}` }, name), ` — current ${String(a['current'])}`)
    }))
  })
}

/** One generation's row with its buttons; `update` refreshes the figures and what may be clicked. */
function generationRow(vs: string, name: string, editable: boolean, status: HTMLElement): { row: HTMLElement; update: (g: Row) => void } {
  let current: Row | null = null
  const deploy = h('button', { type: 'button', onclick: () => void act(vs, 'deploy', { generation: name }, status, `Deployed ${name}: new sessions go to it.`) }, `Deploy ${name}`)
  const reap = h('button', {
    type: 'button',
    onclick: () => {
      const sessions = current?.sessions ?? 0
      // Cutting live sessions is asked for, with their number.
      const force = sessions > 0 && window.confirm(`Generation ${name} still has ${String(sessions)} live sessions. Reap it anyway and move them to the current generation?`)
      if (sessions > 0 && !force) return
      void act(vs, 'reap', { generation: name, force }, status, `Reaped ${name}.`)
    },
  }, `Reap ${name}`)
  const cells = { state: h('td'), pool: h('td'), sessions: h('td', { class: 'num sessions' }), rate: h('td', { class: 'num' }), errors: h('td', { class: 'num' }), mean: h('td', { class: 'num' }) }
  const row = h('tr', { 'data-generation': name }, h('th', { scope: 'row' }, name), cells.state, cells.pool, cells.sessions, cells.rate, cells.errors, cells.mean, h('td', { class: 'actions' }, deploy, ' ', reap))
  return {
    row,
    update: (g) => {
      current = g
      cells.state.textContent = g.state
      cells.state.className = `state ${g.state}`
      replace(cells.pool, h('a', { href: `#/pools/${seg(g.pool)}` }, g.pool))
      cells.sessions.textContent = formatNumber(g.sessions)
      cells.rate.textContent = formatNumber(g.requests_per_second, 1)
      cells.errors.textContent = `${formatNumber(g.errors)} (${String(g.error_percent)}%)`
      cells.mean.textContent = formatNumber(g.mean_response_ms, 1)
      const movable = editable && (g.state === 'testing' || g.state === 'draining')
      deploy.disabled = !movable
      reap.disabled = !movable
    },
  }
}

/** Shows virtual server `vs`'s generations in `el`; returns what stops its updates. */
export function showGenerations(el: HTMLElement, vs: string): () => void {
  const status = h('p', { role: 'status', class: 'status' })
  const summary = h('p')
  const body = h('tbody')
  const editable = canEdit()
  const canary = h('input', { type: 'number', min: '0', max: '100', step: '1', id: 'canary-percent', value: '100' })
  const rollback = h('button', { type: 'button', disabled: !editable, onclick: () => void act(vs, 'rollback', {}, status, 'Rolled back: the previous generation is current again.') }, 'Roll back')
  const setCanary = h('button', { type: 'button', disabled: !editable, onclick: () => void act(vs, 'canary', { canary_percent: Number(canary.value) }, status, `The current generation now takes ${canary.value}% of new sessions.`) }, 'Set canary share')
  replace(el,
    h('h1', {}, `Generations of ${vs}`),
    summary,
    h('table', { class: 'figures generations-table' },
      h('caption', {}, 'Generations (figures update every second)'),
      h('thead', {}, h('tr', {}, ['Generation', 'State', 'Pool', 'Live sessions', 'Requests/s', 'Errors', 'Mean response (ms)', 'Actions'].map((c) => h('th', { scope: 'col' }, c)))),
      body),
    h('p', {}, rollback, ' ', h('label', { for: 'canary-percent' }, 'Canary share (%) '), canary, ' ', setCanary),
    status,
    editable ? null : h('p', { class: 'note' }, 'Your user may not change the configuration, so the buttons are off.'))
  let shown = new Map<string, ReturnType<typeof generationRow>>()
  return poll(1000, async () => {
    const r = await call('GET', `${BASE}/${seg(vs)}`)
    if (!r.ok) {
      summary.textContent = errorText(r)
      return
    }
    const was = field(r.body, 'previous')
    const previous = typeof was === 'string' ? was : ''
    summary.textContent = `Current ${String(field(r.body, 'current'))}${previous === '' ? '' : `, previous ${previous}`}, canary ${String(field(r.body, 'canary_percent'))}%`
    rollback.disabled = !editable || previous === ''
    // The share shown is the running one, unless the user is typing a new one.
    const share = field(r.body, 'canary_percent')
    if (document.activeElement !== canary && typeof share === 'number') canary.value = String(share)
    const rows = (field(r.body, 'generations') ?? []) as Row[]
    // Rows are kept and updated in place, so a button under the pointer stays the same button.
    if (rows.map((g) => g.name).join(' ') !== [...shown.keys()].join(' ')) {
      shown = new Map(rows.map((g) => [g.name, shown.get(g.name) ?? generationRow(vs, g.name, editable, status)]))
      replace(body, [...shown.values()].map((x) => x.row))
    }
    for (const g of rows) shown.get(g.name)?.update(g)
  })
}
