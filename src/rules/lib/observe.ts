/**
 * log.*, event.emit, counter.*, requestlog.*, stats.*, resource.* and net.dns.*: functions that
 * talk to process-wide services through the host interface.
 * @module
 */
import { createHash } from 'node:crypto'
import type { FunctionSpec, LibraryModule } from '../registry.ts'
import type { RunState } from '../run-state.ts'
import { b, intArg, str, toBytes } from './args.ts'

function logAt(level: 'info' | 'warn' | 'error'): FunctionSpec {
  return {
    min: 1, max: 1,
    fn: (s, a) => {
      s.services.log(level, s.ruleName, str(a, 0))
      return ''
    },
  }
}

function resourceOf(s: RunState, name: string): { content: string; mtimeS: number } | undefined {
  // Extra files are a flat namespace: no directories, so no path tricks.
  if (name.includes('/') || name.includes('\\') || name === '..' || name === '.') return undefined
  return s.services.getResource(name)
}

export const observeModule: LibraryModule = {
  functions: {
    'log.info': logAt('info'),
    'log.warn': logAt('warn'),
    'log.error': logAt('error'),
    'event.emit': {
      min: 2, max: 2,
      fn: (s, a) => {
        const name = str(a, 0)
        if (name === '' || /[/\x00-\x1f\x7f]/.test(name)) return s.fail(`event.emit: invalid event name ${JSON.stringify(name)}`)
        s.services.emitEvent(name, str(a, 1))
        return ''
      },
    },
    'counter.increment': {
      min: 1, max: 2,
      fn: (s, a) => {
        s.services.incrementCounter(intArg(a, 0), a.length > 1 ? intArg(a, 1) : 1)
        return ''
      },
    },
    'counter64.increment': {
      min: 1, max: 2,
      fn: (s, a) => {
        s.services.incrementCounter(intArg(a, 0), a.length > 1 ? intArg(a, 1) : 1)
        return ''
      },
    },
    'requestlog.include': { min: 0, max: 0, fn: (s) => { s.decision.requestLog = 'include'; return '' } },
    'requestlog.exclude': { min: 0, max: 0, fn: (s) => { s.decision.requestLog = 'exclude'; return '' } },
    'requestlog.markedForInclusion': { min: 0, max: 0, fn: (s) => b(s.decision.requestLog !== 'exclude') },
    'stats.getQueueTime': { min: 0, max: 0, fn: (s) => Math.round(s.view.getQueueTimeMs()) },
    'stats.getServerResponseTime': { min: 0, max: 0, fn: (s) => Math.round(s.view.getServerResponseTimeMs()) },
    'stats.getTransactionDuration': { min: 0, max: 0, fn: (s) => Math.round(s.view.getTransactionDurationMs()) },
    'resource.get': { min: 1, max: 1, fn: (s, a) => resourceOf(s, str(a, 0))?.content ?? '' },
    'resource.getLines': {
      min: 1, max: 1,
      fn: (s, a) => {
        const c = resourceOf(s, str(a, 0))?.content ?? ''
        if (c === '') return []
        const lines = c.split(/\r?\n/)
        if (lines[lines.length - 1] === '') lines.pop()
        return lines
      },
    },
    'resource.exists': { min: 1, max: 1, fn: (s, a) => b(resourceOf(s, str(a, 0)) !== undefined) },
    'resource.getMD5': {
      min: 1, max: 1,
      fn: (s, a) => {
        const r = resourceOf(s, str(a, 0))
        return r === undefined ? '' : createHash('md5').update(toBytes(r.content)).digest('hex')
      },
    },
    'resource.getMTime': { min: 1, max: 1, fn: (s, a) => resourceOf(s, str(a, 0))?.mtimeS ?? 0 },
    'net.dns.resolveHost': { min: 1, max: 1, suspends: true, fn: (s, a) => s.services.resolveHost(str(a, 0), 4) },
    'net.dns.resolveHost6': { min: 1, max: 1, suspends: true, fn: (s, a) => s.services.resolveHost(str(a, 0), 6) },
    'net.dns.resolveIP': { min: 1, max: 1, suspends: true, fn: (s, a) => s.services.resolveIp(str(a, 0)) },
  },
}
