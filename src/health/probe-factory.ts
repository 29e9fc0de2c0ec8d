/**
 * Picks the probe implementation for a monitor type.
 * @module
 */
import { assertNever } from '../core/index.ts'
import type { MonitorSpec, Probe } from './types.ts'
import { ConnectProbe } from './probe-connect.ts'
import { HttpProbe } from './probe-http.ts'
import { TcpTransactionProbe } from './probe-tcp-transaction.ts'
import { ProgramProbe } from './probe-program.ts'
import { PingProbe } from './probe-ping.ts'

/** What probes need from the process around them. */
export interface ProbeDeps {
  /** The environment `program` and `ping` monitors start from; nothing else is inherited. */
  readonly programEnv: Readonly<Record<string, string>>
}

/** A fresh probe for `spec`. */
export function createProbe(spec: MonitorSpec, deps: ProbeDeps): Probe {
  switch (spec.type) {
    case 'connect':
      return new ConnectProbe(spec)
    case 'http':
      return new HttpProbe(spec)
    case 'tcp_transaction':
      return new TcpTransactionProbe(spec)
    case 'program':
      return new ProgramProbe(spec, deps.programEnv)
    case 'ping':
      return new PingProbe(spec, deps.programEnv)
    default:
      return assertNever(spec.type, 'monitor type')
  }
}
