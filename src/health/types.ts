/**
 * The shapes health monitoring shares with the rest of Sluice: monitor settings, probes, and the
 * narrow sinks through which results leave this folder.
 * @module
 */

/** Monitor types Sluice can run (vTM's `basic.type`, minus `rtsp` and `sip`). */
export const MONITOR_TYPES = ['connect', 'http', 'tcp_transaction', 'program', 'ping'] as const

export type MonitorType = (typeof MONITOR_TYPES)[number]

/** `pernode` probes every node; `poolwide` probes one `machine` and applies to the whole pool. */
export type MonitorScope = 'pernode' | 'poolwide'

/**
 * One monitor's settings, already validated and converted to Sluice units (milliseconds,
 * compiled regexes). Build it with `monitorSpecFromConfig` or directly in tests.
 */
export interface MonitorSpec {
  /** The monitor's configuration name (`monitors/<name>`). */
  readonly name: string
  readonly type: MonitorType
  /** Minimum time between the end of one probe and the start of the next. */
  readonly delayMs: number
  /** Longest a single probe may run; it counts as a failure when exceeded. */
  readonly timeoutMs: number
  /** Consecutive failures before the target is classed as failed (at least 1). */
  readonly failures: number
  /** Slow the probe rate while the target is failed (see `nextDelayMs`). */
  readonly backOff: boolean
  readonly scope: MonitorScope
  /** For `poolwide`: `host:port`, or a bare host for `ping`. */
  readonly machine?: string
  readonly useSsl: boolean
  readonly verbose: boolean
  readonly healthOnly: boolean
  /** HTTP request path, starting with `/`. */
  readonly path: string
  /** Host header; empty means the target's `host:port`. */
  readonly hostHeader: string
  /** `user:password` for HTTP basic authentication; empty for none. */
  readonly authentication: string
  readonly statusRegex: RegExp
  /** Undefined when the body does not matter. */
  readonly bodyRegex: RegExp | undefined
  /** `tcp_transaction`: sent after connecting; empty sends nothing. */
  readonly writeString: string
  readonly responseRegex: RegExp
  /** `tcp_transaction`: sent after a matching response, before closing; empty sends nothing. */
  readonly closeString: string
  /** Most response bytes read by `http` and `tcp_transaction`; 0 means no limit. */
  readonly maxResponseLen: number
  /** `program`: absolute path of the executable. */
  readonly program: string
  /** `program`: extra `--name=value` arguments, in this order. */
  readonly arguments: readonly { readonly name: string; readonly value: string }[]
  /** `ping`: absolute path of the system ping program. */
  readonly pingProgram: string
}

/** What one probe is pointed at. */
export interface ProbeTarget {
  /** Host name or IP address (no brackets for IPv6). */
  readonly host: string
  /** TCP port; absent for `ping` machines. */
  readonly port?: number
  /** The label as configured (`host:port`, `[v6]:port` or a bare host), for reasons and logs. */
  readonly label: string
}

/** The outcome of one probe. `reason` is short, human-readable and says why on failure. */
export interface ProbeResult {
  readonly ok: boolean
  readonly reason: string
}

/**
 * One monitor type's check. `run` never throws and settles soon after `signal` aborts; the caller
 * aborts it when the monitor's timeout passes. Sockets and processes are released on every path.
 */
export interface Probe {
  run(target: ProbeTarget, signal: AbortSignal): Promise<ProbeResult>
}

/**
 * Where health verdicts go: the pool layer implements it. Called only when a node's verdict
 * changes, never on every probe.
 */
export interface StatusSink {
  /**
   * `node` is `host:port` exactly as configured in the pool. Returns true when the verdict
   * changes whether the node takes traffic, so that it is a `nodefail` or `nodeworking` event;
   * false when the pool layer keeps the node out either way (passive monitoring has failed it).
   */
  setNodeHealth(pool: string, node: string, alive: boolean, reason: string): boolean
}

/** vTM event names this folder raises (categories `pools` and `monitors`). */
export type HealthEventKind =
  | 'nodefail'
  | 'nodeworking'
  | 'pooldied'
  | 'poolok'
  | 'monitorfail'
  | 'monitorok'

/** vTM's event severities. */
export type HealthSeverity = 'info' | 'warn' | 'serious' | 'fatal'

/** A health transition, for the event log and actions. */
export interface HealthEvent {
  readonly kind: HealthEventKind
  readonly pool: string
  /** The node (or, for `monitorfail`/`monitorok` of a poolwide monitor, the machine). */
  readonly node?: string
  readonly monitor: string
  readonly reason: string
  readonly severity: HealthSeverity
}

/** Receives health events; must not throw (exceptions are caught and logged). */
export type HealthEventSink = (event: HealthEvent) => void
