/**
 * A pool's operations page: every node with its state, its health and its active connections
 * (live), and `Drain`, `Disable` and `Enable` buttons. Each button is one REST call: a `PUT` of
 * the pool's `nodes_table` with that node's state changed, so it lands in the audit log under
 * the logged-in user.
 * @module
 */
import { API, call, canEdit, errorText, field, seg } from './api.ts'
import { formatNumber, h, replace } from './dom.ts'
import { fetchOverview, poll, type NodeFigures } from './overview.ts'

type NodeState = 'active' | 'draining' | 'disabled'

const ACTIONS: readonly { label: string; state: NodeState }[] = [
  { label: 'Drain', state: 'draining' },
  { label: 'Disable', state: 'disabled' },
  { label: 'Enable', state: 'active' },
]

/** Sets one node's state in the pool's configuration; returns the API's reason on failure. */
async function setNodeState(pool: string, node: string, state: NodeState): Promise<string | undefined> {
  const path = `${API}/config/active/pools/${seg(pool)}`
  const current = await call('GET', path)
  if (!current.ok) return errorText(current)
  const table = field(field(field(current.body, 'properties'), 'basic'), 'nodes_table')
  if (!Array.isArray(table)) return 'the pool has no nodes_table'
  const rows = (table as Record<string, unknown>[]).map((row) => (row['node'] === node ? { ...row, state } : row))
  const r = await call('PUT', path, { properties: { basic: { nodes_table: rows } } })
  return r.ok ? undefined : errorText(r)
}

/** One node's row; `update` refreshes its figures in place, so buttons keep focus and clicks. */
function nodeRow(pool: string, node: string, status: HTMLElement): { row: HTMLElement; update: (n: NodeFigures, editable: boolean) => void } {
  const cellId = `node-${node.replace(/[^A-Za-z0-9]/g, '-')}`
  const state = h('td', { class: 'state' })
  const health = h('td', { class: 'health' })
  const conns = h('td', { class: 'num active-connections' })
  const requests = h('td', { class: 'num' })
  const buttons = ACTIONS.map((a) =>
    h('button', {
      type: 'button',
      'aria-describedby': cellId,
      onclick: () => {
        status.textContent = `${a.label}: ${node}…`
        void setNodeState(pool, node, a.state).then((problem) => {
          status.textContent = problem === undefined ? `${node} is now ${a.state}.` : `${a.label} ${node} failed: ${problem}`
        })
      },
    }, a.label))
  const row = h('tr', { 'data-node': node }, h('th', { scope: 'row', id: cellId }, node), state, health, conns, requests, h('td', { class: 'actions' }, buttons))
  return {
    row,
    update: (n, editable) => {
      state.textContent = n.node_state
      state.className = `state ${n.node_state}`
      health.textContent = n.state === 'dead' ? `dead: ${n.dead_reason}` : 'alive'
      health.className = `health ${n.state}`
      conns.textContent = formatNumber(n.current_conn)
      requests.textContent = formatNumber(n.total_conn)
      ACTIONS.forEach((a, i) => {
        const b = buttons[i]
        if (b !== undefined) b.disabled = !editable || n.node_state === a.state
      })
    },
  }
}

/** Shows pool `name` in `el`; returns what stops its updates. */
export function showPool(el: HTMLElement, name: string): () => void {
  const status = h('p', { role: 'status', class: 'status' })
  const body = h('tbody')
  const summary = h('p')
  replace(el,
    h('h1', {}, `Pool ${name}`),
    h('p', {}, h('a', { href: `#/config/pools/${seg(name)}` }, 'Configuration of this pool')),
    summary,
    h('table', { class: 'figures nodes-table' },
      h('caption', {}, 'Nodes (active connections update every second)'),
      h('thead', {}, h('tr', {}, ['Node', 'State', 'Health', 'Active connections', 'Requests', 'Actions'].map((c) => h('th', { scope: 'col' }, c)))),
      body),
    status,
    canEdit() ? null : h('p', { class: 'note' }, 'Your user may not change the configuration, so the buttons are off.'))
  let rows = new Map<string, ReturnType<typeof nodeRow>>()
  return poll(1000, async () => {
    const o = await fetchOverview()
    const pool = o?.pools[name]
    if (pool === undefined) {
      summary.textContent = o === undefined ? 'The figures could not be read.' : 'No such pool.'
      return
    }
    summary.textContent = `${pool.algorithm}, ${pool.state}, ${String(pool.nodes_table.length)} nodes`
    const ids = pool.nodes_table.map((n) => n.node)
    if (ids.join(' ') !== [...rows.keys()].join(' ')) {
      rows = new Map(ids.map((id) => [id, rows.get(id) ?? nodeRow(name, id, status)]))
      replace(body, [...rows.values()].map((r) => r.row))
    }
    for (const n of pool.nodes_table) rows.get(n.node)?.update(n, canEdit())
  })
}
