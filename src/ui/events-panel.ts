/**
 * The event log as a live stream: new events are read every two seconds and shown newest
 * first, filtered by severity and by object (any object name, category or event name that
 * contains the text).
 * @module
 */
import { API, call, field } from './api.ts'
import { h, replace } from './dom.ts'
import { poll } from './overview.ts'

interface LoggedEvent {
  readonly id: number
  readonly time: string
  readonly severity: 'info' | 'warn' | 'serious' | 'fatal'
  readonly category: string
  readonly name: string
  readonly objects: Readonly<Record<string, string>>
  readonly message: string
}

const SEVERITIES = ['info', 'warn', 'serious', 'fatal'] as const
const KEEP = 500

export function showEvents(section: HTMLElement): () => void {
  const severity = h('select', { id: 'events-severity' }, SEVERITIES.map((s) => h('option', { value: s }, s === 'info' ? 'info and above (all)' : `${s} and above`)))
  const object = h('input', { id: 'events-object', type: 'search', placeholder: 'pool, node, virtual server…' })
  const list = h('ol', { class: 'events', 'aria-label': 'Events, newest first' })
  // Announces how many events arrived, rather than reading the whole list out again.
  const arrived = h('p', { class: 'visually-hidden', role: 'status' })
  let events: LoggedEvent[] = []
  let lastId = 0
  const draw = () => {
    const minRank = SEVERITIES.indexOf(severity.value as LoggedEvent['severity'])
    const needle = object.value.trim().toLowerCase()
    const shown = events
      .filter((e) => SEVERITIES.indexOf(e.severity) >= minRank)
      .filter((e) => needle === '' || [e.category, e.name, ...Object.values(e.objects)].some((t) => t.toLowerCase().includes(needle)))
      .slice(-100)
      .reverse()
    replace(list, shown.length === 0 ? h('li', {}, 'No events match.') : shown.map((e) =>
      h('li', { class: `event ${e.severity}` },
        h('time', { datetime: e.time }, new Date(e.time).toLocaleTimeString()),
        h('span', { class: 'sev' }, e.severity),
        h('span', { class: 'what' }, `${e.category}/${e.name}`),
        h('span', { class: 'objects' }, Object.entries(e.objects).map(([k, v]) => `${k}=${v}`).join(' ')),
        h('span', { class: 'msg' }, e.message))))
  }
  severity.addEventListener('change', draw)
  object.addEventListener('input', draw)
  section.append(
    h('div', { class: 'filters' },
      h('label', { for: 'events-severity' }, 'Severity'), severity,
      h('label', { for: 'events-object' }, 'Object'), object),
    arrived,
    list)
  let isFirst = true
  return poll(2000, async () => {
    const r = await call('GET', `${API}/status/local_tm/events?since=${String(lastId)}`)
    const fresh = field(r.body, 'events')
    if (!r.ok || !Array.isArray(fresh)) return
    if (fresh.length === 0 && events.length > 0) return
    events = [...events, ...(fresh as LoggedEvent[])].slice(-KEEP)
    lastId = events.at(-1)?.id ?? lastId
    if (!isFirst) arrived.textContent = `${String(fresh.length)} new event${fresh.length === 1 ? '' : 's'}`
    isFirst = false
    draw()
  })
}
