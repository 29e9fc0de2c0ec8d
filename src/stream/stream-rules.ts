/**
 * TrafficScript on generic TCP virtual servers: the rule lists a stream service runs, and how
 * one run's Decision turns into what the connection does next.
 * @module
 */
import { Decision, runRuleList, type RuleBinding, type RulePhase } from '../rules/index.ts'
import type { StreamRules } from '../snapshot/index.ts'
import { StreamRuleView, type StreamRuleHost } from './stream-rule-view.ts'

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
