/**
 * Which configured event types (vTM `event_types/<name>`) an event matches. Each section of an
 * event type is an event category (`pools`, `monitors`, `config`, ...) listing `event_tags`
 * (event names) and, for some, `objects` (names of the objects concerned).
 * @module
 */
import type { SluiceEvent } from '../core/index.ts'

/** Section to key to value: an event type's filled properties. */
export type EventTypeProperties = Readonly<Record<string, Readonly<Record<string, unknown>>>>

/** Tags that match every event name of their section (Sluice; vTM lists names one by one). */
const WILDCARDS: ReadonlySet<string> = new Set(['*', 'ALL'])

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
}

/**
 * True when `event` matches the event type: its category's section lists the event's name (or
 * `*`), and the section's `objects`, when not empty, name one of the event's objects. A `*` in
 * `general.event_tags` matches every event.
 */
export function matchesEventType(props: EventTypeProperties, event: SluiceEvent): boolean {
  if (strings(props['general']?.['event_tags']).includes('*')) return true
  const section = props[event.category]
  if (section === undefined) return false
  const tags = strings(section['event_tags'])
  if (!tags.includes(event.name) && !tags.some((t) => WILDCARDS.has(t))) return false
  const objects = strings(section['objects'])
  if (objects.length === 0 || objects.some((o) => WILDCARDS.has(o))) return true
  return Object.values(event.objects).some((name) => objects.includes(name))
}

/** The actions to run for an event: every action named by every matching event type, once each. */
export function actionsForEvent(
  eventTypes: ReadonlyMap<string, EventTypeProperties>,
  event: SluiceEvent,
): { eventType: string; action: string }[] {
  const seen = new Set<string>()
  const out: { eventType: string; action: string }[] = []
  for (const [name, props] of eventTypes) {
    if (!matchesEventType(props, event)) continue
    for (const action of strings(props['basic']?.['actions'])) {
      if (seen.has(action)) continue
      seen.add(action)
      out.push({ eventType: name, action })
    }
  }
  return out
}
