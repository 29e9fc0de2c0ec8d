/**
 * TrafficScript on generic TCP virtual servers: the rule lists a stream service runs, and how
 * one run's Decision turns into what the connection does next.
 * @module
 */
import { runRuleList, type RuleBinding } from '../http/index.ts'
import { Decision, type RulePhase, type RuleServices } from '../rules/index.ts'
import { StreamRuleView, type StreamRuleHost } from './stream-rule-view.ts'

/** A stream virtual server's rules, compiled once per snapshot. */
export interface StreamRules {
  /** Request rules: run on the client's first data (or at connect, see `runOnConnect`). */
  readonly request: readonly RuleBinding[]
  /** Response rules: run once, on the node's first data. */
  readonly response: readonly RuleBinding[]
  /** vTM `basic.rules_on_connect`: `client_first` request rules run as soon as the client connects. */
  readonly runOnConnect: boolean
  readonly services: RuleServices
  readonly maxInstructions: number
}

/** One stream transaction's rule state: its view and its Decision, shared by both phases. */
export class StreamRuleSession {
  readonly decision = new Decision()
  readonly view: StreamRuleView
  readonly #rules: StreamRules

  constructor(rules: StreamRules, host: StreamRuleHost) {
    this.#rules = rules
    this.view = new StreamRuleView(host, this.decision)
  }

  get hasResponseRules(): boolean {
    return this.#rules.response.length > 0
  }

  /** Runs the request rules; `done` is called once, synchronously or after a rule waited. */
  runRequest(done: () => void): void {
    this.#run(this.#rules.request, 'REQUEST', done)
  }

  /** Runs the response rules on the node's first data. */
  runResponse(done: () => void): void {
    this.decision.final = false
    this.#run(this.#rules.response, 'RESPONSE', done)
  }

  #run(list: readonly RuleBinding[], phase: RulePhase, done: () => void): void {
    if (list.length === 0) {
      done()
      return
    }
    const env = { view: this.view, services: this.#rules.services, decision: this.decision, phase, maxInstructions: this.#rules.maxInstructions }
    runRuleList(list, 0, env, true, done)
  }
}
