/**
 * Runs a monitor's external program with a deadline, for the `program` and `ping` monitors.
 * @module
 */
import { spawn } from 'node:child_process'
import { abortReason, socketErrorText } from './probe-util.ts'

/** Most bytes kept from each of stdout and stderr. */
const OUTPUT_CAP_CHARS = 4096

/** How a program run ended. */
export interface ProgramOutcome {
  /** Exit status, or undefined when the program did not exit normally. */
  readonly status: number | undefined
  /** Set when the program could not start, was killed, or timed out. */
  readonly failure: string | undefined
  readonly stdout: string
  readonly stderr: string
}

/**
 * Spawns `file` in its own process group with exactly `env`, and resolves when it exits.
 * When `signal` aborts, the whole group is killed (so grandchildren such as a `sleep` cannot hold
 * the pipes open) and the outcome says why. Never rejects.
 */
export function runProgram(
  file: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<ProgramOutcome> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      const failure = abortReason(signal, timeoutMs, 'before starting')
      resolve({ status: undefined, failure, stdout: '', stderr: '' })
      return
    }
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    let stdout = ''
    let stderr = ''
    let settled = false
    let exited: { code: number | null; killedBy: NodeJS.Signals | null } | undefined
    const finish = (status: number | undefined, failure: string | undefined) => {
      if (settled) return
      settled = true
      signal.removeEventListener('abort', onAbort)
      child.stdout.destroy()
      child.stderr.destroy()
      resolve({ status, failure, stdout, stderr })
    }
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
      } catch {
        // The group is already gone; there is nothing left to kill.
      }
    }
    let abortedBecause = ''
    const onAbort = () => {
      killGroup()
      // A program that exited in time but whose output pipes stayed open still has a verdict.
      if (exited !== undefined) finishExited(exited)
      // Otherwise the verdict waits for the kill to be reaped, so nothing of the program
      // outlives the promise (stop() means no process is left).
      else abortedBecause = abortReason(signal, timeoutMs, `running ${file}`)
    }
    signal.addEventListener('abort', onAbort, { once: true })
    child.stdout.setEncoding('utf8')
    child.stderr.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => {
      if (stdout.length < OUTPUT_CAP_CHARS) stdout += chunk.slice(0, OUTPUT_CAP_CHARS - stdout.length)
    })
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < OUTPUT_CAP_CHARS) stderr += chunk.slice(0, OUTPUT_CAP_CHARS - stderr.length)
    })
    child.stdout.on('error', () => undefined)
    child.stderr.on('error', () => undefined)
    child.on('error', (error: unknown) => {
      finish(undefined, `cannot run ${file}: ${socketErrorText(error)}`)
    })
    const finishExited = (how: { code: number | null; killedBy: NodeJS.Signals | null }) => {
      if (how.code !== null) finish(how.code, undefined)
      else finish(undefined, `${file} was killed by ${how.killedBy ?? 'a signal'}`)
    }
    child.on('exit', (code, killedBy) => {
      exited = { code, killedBy }
      // Anything the program left running would hold the pipes open and delay 'close'.
      killGroup()
      if (abortedBecause !== '') finish(undefined, abortedBecause)
    })
    child.on('close', (code: number | null, killedBy: NodeJS.Signals | null) => {
      finishExited(exited ?? { code, killedBy })
    })
  })
}
