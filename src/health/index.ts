/**
 * Health monitors: probes for each vTM monitor type, the scheduler that runs them, and the
 * mapping from vTM monitor configuration. Pools receive verdicts only through `StatusSink`.
 * @module
 */
export { MONITOR_TYPES } from './types.ts'
export type {
  MonitorType, MonitorScope, MonitorSpec, ProbeTarget, ProbeResult, Probe, StatusSink,
  HealthEventKind, HealthSeverity, HealthEvent, HealthEventSink,
} from './types.ts'
export { HealthManager } from './health-manager.ts'
export type { PoolHealthPlan, HealthPlan, HealthManagerDeps, NodeHealth } from './health-manager.ts'
export type { MonitorScheduleState } from './monitor-schedule.ts'
export { monitorSpecFromConfig } from './monitor-spec-from-config.ts'
export type { HealthDiagnostic, MonitorConfigOptions } from './monitor-spec-from-config.ts'
export { checkMonitorRegex, MAX_MONITOR_REGEX_CHARS } from './monitor-regex.ts'
export { nextDelayMs, BACK_OFF_MAX_FACTOR } from './back-off.ts'
export { realTimers } from './timers.ts'
export type { HealthTimers } from './timers.ts'
export { createProbe } from './probe-factory.ts'
export type { ProbeDeps } from './probe-factory.ts'
export { ConnectProbe } from './probe-connect.ts'
export { HttpProbe } from './probe-http.ts'
export { TcpTransactionProbe } from './probe-tcp-transaction.ts'
export { ProgramProbe, PROGRAM_ENV } from './probe-program.ts'
export { PingProbe, findPingProgram, PING_DIRS } from './probe-ping.ts'
export { parseNodeAddress } from './node-address.ts'
