/**
 * The live dashboard: virtual servers and pools (figures and charts over the last minutes), the
 * node map, the event log, and whatever else the overview reports. It updates every second.
 * @module
 */
import { currentSession, seg } from './api.ts'
import { LiveChart, rate } from './charts.ts'
import { formatBytes, formatNumber, h, keepingFocus, replace } from './dom.ts'
import { showEvents } from './events-panel.ts'
import { fetchOverview, poll, recentOverviews, type Overview, type PoolFigures, type VirtualServerFigures } from './overview.ts'

type Measure<T> = (now: T, before: T | undefined, seconds: number) => number | null

interface ChartSpec<T> {
  readonly title: string
  readonly unit: string
  readonly measure: Measure<T>
}

/** Mean response time over the last interval, from the running mean and count. */
function recentResponseMs(now: VirtualServerFigures, before: VirtualServerFigures | undefined): number | null {
  if (before === undefined) return null
  const count = now.total_requests - before.total_requests
  if (count <= 0) return null
  return (now.response_mean * now.total_requests - before.response_mean * before.total_requests) / count
}

const VS_CHARTS: readonly ChartSpec<VirtualServerFigures>[] = [
  { title: 'Requests', unit: 'per second', measure: (n, b, s) => rate(n.total_requests, b?.total_requests, s) },
  { title: 'Bytes in', unit: 'bytes per second', measure: (n, b, s) => rate(n.bytes_in, b?.bytes_in, s) },
  { title: 'Bytes out', unit: 'bytes per second', measure: (n, b, s) => rate(n.bytes_out, b?.bytes_out, s) },
  { title: 'Errors (5xx and connection errors)', unit: 'per second', measure: (n, b, s) => rate(n.http_server5xx + n.connection_errors, b === undefined ? undefined : b.http_server5xx + b.connection_errors, s) },
  { title: 'Response time', unit: 'ms', measure: (n, b) => recentResponseMs(n, b) },
  { title: 'Current connections', unit: 'connections', measure: (n) => n.current_conn },
]

const sum = (p: PoolFigures, f: (n: PoolFigures['nodes_table'][number]) => number) => p.nodes_table.reduce((a, n) => a + f(n), 0)

const POOL_CHARTS: readonly ChartSpec<PoolFigures>[] = [
  { title: 'Requests to nodes', unit: 'per second', measure: (n, b, s) => rate(n.total_conn, b?.total_conn, s) },
  { title: 'Bytes from nodes', unit: 'bytes per second', measure: (n, b, s) => rate(n.bytes_in, b?.bytes_in, s) },
  { title: 'Bytes to nodes', unit: 'bytes per second', measure: (n, b, s) => rate(n.bytes_out, b?.bytes_out, s) },
  { title: 'Node failures', unit: 'per second', measure: (n, b, s) => rate(sum(n, (x) => x.failures), b === undefined ? undefined : sum(b, (x) => x.failures), s) },
  {
    title: 'Node response time',
    unit: 'ms',
    measure: (n) => {
      const measured = n.nodes_table.filter((x) => x.response_mean > 0)
      return measured.length === 0 ? null : measured.reduce((a, x) => a + x.response_mean, 0) / measured.length
    },
  },
  { title: 'Current connections to nodes', unit: 'connections', measure: (n) => sum(n, (x) => x.current_conn) },
]

/** One set of charts over one kind of object. */
class ChartGroup<T> {
  readonly element: HTMLElement
  readonly #charts: { spec: ChartSpec<T>; chart: LiveChart }[]

  constructor(specs: readonly ChartSpec<T>[]) {
    this.#charts = specs.map((spec) => ({ spec, chart: new LiveChart(spec.title, spec.unit) }))
    this.element = h('div', { class: 'charts' }, this.#charts.map((c) => c.chart.element))
  }

  push(timeS: number, now: Readonly<Record<string, T>>, before: Readonly<Record<string, T>> | undefined, seconds: number): void {
    for (const { spec, chart } of this.#charts) {
      const values = new Map<string, number | null>()
      for (const [name, figures] of Object.entries(now)) values.set(name, spec.measure(figures, before?.[name], seconds))
      chart.push(timeS, values)
    }
  }

  destroy(): void {
    for (const c of this.#charts) c.chart.destroy()
  }
}

function vsTable(o: Overview, before: Overview | undefined, seconds: number): HTMLElement {
  const rows = Object.entries(o.virtual_servers).map(([name, v]) => {
    const rps = rate(v.total_requests, before?.virtual_servers[name]?.total_requests, seconds)
    return h('tr', { 'data-name': name },
      h('th', { scope: 'row' }, h('a', { href: `#/config/virtual_servers/${seg(name)}` }, name)),
      h('td', {}, v.enabled === false ? 'disabled' : `${v.protocol ?? ''} :${String(v.port ?? '')}`),
      h('td', { class: 'num' }, rps === null ? '–' : formatNumber(rps, 1)),
      h('td', { class: 'num total-requests' }, formatNumber(v.total_requests)),
      h('td', { class: 'num' }, formatNumber(v.current_conn)),
      h('td', { class: 'num' }, formatNumber(v.http_server5xx + v.connection_errors)),
      h('td', { class: 'num' }, `${formatBytes(v.bytes_in)} / ${formatBytes(v.bytes_out)}`),
      h('td', { class: 'num' }, `${formatNumber(v.response_mean, 1)} ms`))
  })
  return h('table', { class: 'figures' },
    h('caption', { class: 'visually-hidden' }, 'Virtual servers'),
    h('thead', {}, h('tr', {}, ['Name', 'Protocol and port', 'Requests/s', 'Requests', 'Connections', 'Errors', 'Bytes in / out', 'Mean response'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows.length === 0 ? h('tr', {}, h('td', { colspan: 8 }, 'No virtual servers.')) : rows))
}

function poolTable(o: Overview, before: Overview | undefined, seconds: number): HTMLElement {
  const rows = Object.entries(o.pools).map(([name, p]) => {
    const rps = rate(p.total_conn, before?.pools[name]?.total_conn, seconds)
    const failed = p.nodes_table.filter((n) => n.state === 'dead').length
    return h('tr', { 'data-name': name },
      h('th', { scope: 'row' }, h('a', { href: `#/pools/${seg(name)}` }, name)),
      h('td', {}, p.state),
      h('td', {}, `${String(p.nodes_table.length)} (${String(failed)} dead)`),
      h('td', { class: 'num' }, rps === null ? '–' : formatNumber(rps, 1)),
      h('td', { class: 'num' }, formatNumber(sum(p, (n) => n.current_conn))),
      h('td', { class: 'num' }, formatNumber(sum(p, (n) => n.failures))),
      h('td', { class: 'num' }, `${formatBytes(p.bytes_in)} / ${formatBytes(p.bytes_out)}`))
  })
  return h('table', { class: 'figures' },
    h('caption', { class: 'visually-hidden' }, 'Pools'),
    h('thead', {}, h('tr', {}, ['Name', 'State', 'Nodes', 'Requests/s', 'Connections', 'Node failures', 'Bytes from / to nodes'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows.length === 0 ? h('tr', {}, h('td', { colspan: 7 }, 'No pools.')) : rows))
}

function nodeMap(o: Overview): HTMLElement {
  const pools = Object.entries(o.pools).map(([name, p]) =>
    h('section', { class: 'pool-map', 'aria-label': `Pool ${name}` },
      h('h3', {}, h('a', { href: `#/pools/${seg(name)}` }, name), ' ', h('span', { class: `badge ${p.state}` }, p.state)),
      h('ul', { class: 'nodes' }, p.nodes_table.map((n) => {
        const state = n.node_state === 'active' ? n.state : n.node_state
        return h('li', { class: `node ${state}`, 'data-node': n.node },
          h('span', { class: 'node-name' }, n.node),
          h('span', { class: 'node-state' }, state),
          h('span', { class: 'node-conns' }, `${formatNumber(n.current_conn)} active`),
          n.state === 'dead' ? h('span', { class: 'node-reason' }, n.dead_reason) : null)
      }))))
  return h('div', { class: 'node-map' }, pools.length === 0 ? h('p', {}, 'No pools.') : pools)
}

function capabilities(o: Overview): HTMLElement | null {
  const entries = Object.entries(o.capabilities)
  if (entries.length === 0) return null
  return h('section', { 'aria-labelledby': 'more-h' }, h('h2', { id: 'more-h' }, 'More'),
    h('dl', {}, entries.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, JSON.stringify(v))])))
}

/** Shows the dashboard in `el`; returns what stops its updates. */
export function showDashboard(el: HTMLElement): () => void {
  const vsCharts = new ChartGroup(VS_CHARTS)
  const poolCharts = new ChartGroup(POOL_CHARTS)
  const updated = h('p', { class: 'updated' }, 'Waiting for the first figures…')
  const vsFigures = h('div')
  const poolFigures = h('div')
  const map = h('div')
  const more = h('div')
  const events = h('section', { 'aria-labelledby': 'events-h' }, h('h2', { id: 'events-h' }, 'Events'))
  replace(el,
    h('h1', {}, 'Dashboard'),
    currentSession().user === null
      ? h('p', { class: 'note' }, 'Read-only view for this machine: no API users exist yet. See the log-in page for how to create one.')
      : null,
    updated,
    h('section', { 'aria-labelledby': 'vs-h' }, h('h2', { id: 'vs-h' }, 'Virtual servers'), vsFigures, vsCharts.element),
    h('section', { 'aria-labelledby': 'pools-h' }, h('h2', { id: 'pools-h' }, 'Pools'), poolFigures, poolCharts.element),
    h('section', { 'aria-labelledby': 'nodes-h' }, h('h2', { id: 'nodes-h' }, 'Node map'), map),
    more,
    events)
  const stopEvents = currentSession().user === null ? (events.append(h('p', {}, 'Log in to see the event log.')), () => undefined) : showEvents(events)
  let before: Overview | undefined
  const plot = (o: Overview) => {
    const seconds = before === undefined ? 0 : (o.time_ms - before.time_ms) / 1000
    const timeS = o.time_ms / 1000
    vsCharts.push(timeS, o.virtual_servers, before?.virtual_servers, seconds)
    poolCharts.push(timeS, o.pools, before?.pools, seconds)
    return seconds
  }
  // What was read while another page was open is drawn too, so the charts keep their minutes.
  for (const o of recentOverviews()) {
    plot(o)
    before = o
  }
  const stop = poll(1000, async () => {
    const o = await fetchOverview()
    if (o === undefined) {
      updated.textContent = 'The figures could not be read; trying again.'
      return
    }
    const seconds = plot(o)
    keepingFocus(vsFigures, () => { replace(vsFigures, vsTable(o, before, seconds)) })
    keepingFocus(poolFigures, () => { replace(poolFigures, poolTable(o, before, seconds)) })
    keepingFocus(map, () => { replace(map, nodeMap(o)) })
    replace(more, capabilities(o))
    updated.textContent = `Updated ${new Date(o.time_ms).toLocaleTimeString()}`
    before = o
  })
  return () => {
    stop()
    stopEvents()
    vsCharts.destroy()
    poolCharts.destroy()
  }
}
