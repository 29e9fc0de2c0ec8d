/**
 * The ActionRunner: subscribes to the event log, finds the event types each event matches and
 * runs their actions in the background. Actions never block traffic: they run after the event
 * is recorded, a bounded number at a time, and their failures are logged, not thrown.
 * @module
 */
import { errorMessage, type Logger } from '../core/index.ts'
import {
  deliverLog,
  deliverProgram,
  deliverSyslog,
  deliverWebhook,
  type ActionProperties,
  type DeliveryContext,
} from './actions-deliver.ts'
import type { SluiceEvent } from '../core/index.ts'
import { actionsForEvent, type EventTypeProperties } from './event-types.ts'

/** Type URI to name to filled properties (the shape of `ValidConfig.objects`). */
export type ConfigObjects = ReadonlyMap<string, ReadonlyMap<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>

export interface ActionRunnerDeps {
  readonly logger: Logger
  /** The configuration in force now (read at each event), or undefined before the first apply. */
  readonly objects: () => ConfigObjects | undefined
  /** The configuration directory: `program` actions run files from its `action_programs/`, `log` actions write in its `.sluice/action_logs/`. */
  readonly configDir: string
  /** Environment given to programs. */
  readonly env?: Readonly<Record<string, string>>
  /** Actions allowed in flight at once; more are dropped with a warning. Default 64. */
  readonly maxInFlight?: number
  readonly webhookAttempts?: number
  readonly retryDelayMs?: number
}

/** One finished action, for tests and diagnostics. */
export interface ActionOutcome {
  readonly eventId: number
  readonly eventType: string
  readonly action: string
  readonly error: string | null
}

export class ActionRunner {
  readonly #deps: ActionRunnerDeps
  readonly #listeners = new Set<(o: ActionOutcome) => void>()
  #inFlight = 0
  readonly #pending = new Set<Promise<void>>()

  constructor(deps: ActionRunnerDeps) {
    this.#deps = deps
  }

  /** Subscribes to an event source; returns the unsubscribe function. */
  attach(events: { subscribe(fn: (e: SluiceEvent) => void): () => void }): () => void {
    return events.subscribe((e) => {
      this.handle(e)
    })
  }

  /** Called for every finished action. */
  onOutcome(fn: (o: ActionOutcome) => void): () => void {
    this.#listeners.add(fn)
    return () => this.#listeners.delete(fn)
  }

  /** Starts the actions for one event and returns at once. */
  handle(event: SluiceEvent): void {
    const objects = this.#deps.objects()
    if (objects === undefined) return
    const eventTypes = (objects.get('event_types') ?? new Map()) as ReadonlyMap<string, EventTypeProperties>
    const actions = objects.get('actions') ?? new Map<string, ActionProperties>()
    for (const { eventType, action } of actionsForEvent(eventTypes, event)) {
      const props = actions.get(action)
      if (props === undefined) {
        this.#deps.logger.warn(`event type ${eventType}: no action named "${action}"`)
        continue
      }
      if (this.#inFlight >= (this.#deps.maxInFlight ?? 64)) {
        this.#deps.logger.warn(`action ${action}: dropped for event ${String(event.id)}: too many actions running`)
        continue
      }
      this.#inFlight++
      const run = this.#run(props, event, { eventType, action }).finally(() => {
        this.#inFlight--
        this.#pending.delete(run)
      })
      this.#pending.add(run)
    }
  }

  /** Waits for running actions (at shutdown). */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending])
  }

  async #run(props: ActionProperties, event: SluiceEvent, which: { eventType: string; action: string }): Promise<void> {
    const ctx: DeliveryContext = {
      ...which,
      configDir: this.#deps.configDir,
      env: this.#deps.env ?? {},
      retryDelayMs: this.#deps.retryDelayMs ?? 500,
      webhookAttempts: this.#deps.webhookAttempts ?? 3,
    }
    let error: string | null
    try {
      error = await this.#deliver(props, event, ctx)
    } catch (e: unknown) {
      error = `internal error: ${errorMessage(e)}`
    }
    if (error !== null) this.#deps.logger.warn(`action ${which.action} (event type ${which.eventType}) failed: ${error}`)
    else if (props['basic']?.['verbose'] === true) this.#deps.logger.info(`action ${which.action} ran for event ${String(event.id)}`)
    const outcome: ActionOutcome = { eventId: event.id, ...which, error }
    for (const fn of this.#listeners) fn(outcome)
  }

  #deliver(props: ActionProperties, event: SluiceEvent, ctx: DeliveryContext): Promise<string | null> {
    const type = props['basic']?.['type']
    switch (type) {
      case 'log':
        return deliverLog(props, event, ctx)
      case 'program':
        return deliverProgram(props, event, ctx)
      case 'syslog':
        return deliverSyslog(props, event, ctx)
      case 'soap':
      case 'webhook':
        return deliverWebhook(props, event, ctx)
      default:
        return Promise.resolve(`action type "${String(type)}" is not supported by Sluice`)
    }
  }
}
