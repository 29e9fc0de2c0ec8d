/**
 * sys.* and sys.time.*: clock, calendar and host facts. Time comes from the injected Clock, never
 * from Date.now().
 * @module
 */
import type { FunctionSpec, LibraryModule } from '../registry.ts'
import type { RunState } from '../run-state.ts'
import { TsDouble } from '../value.ts'
import { intArg, str } from './args.ts'

function nowS(s: RunState): number {
  return Math.floor(s.services.clock.nowMs() / 1000)
}

function dateOf(s: RunState, a: readonly unknown[], t: number | undefined): Date {
  return new Date((a.length > 0 && t !== undefined ? t : nowS(s)) * 1000)
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0')
}

interface Parts { y: number; mo: number; d: number; h: number; mi: number; sec: number; wd: number; offMin: number }

function parts(d: Date, utc: boolean): Parts {
  return utc
    ? { y: d.getUTCFullYear(), mo: d.getUTCMonth(), d: d.getUTCDate(), h: d.getUTCHours(), mi: d.getUTCMinutes(), sec: d.getUTCSeconds(), wd: d.getUTCDay(), offMin: 0 }
    : { y: d.getFullYear(), mo: d.getMonth(), d: d.getDate(), h: d.getHours(), mi: d.getMinutes(), sec: d.getSeconds(), wd: d.getDay(), offMin: -d.getTimezoneOffset() }
}

function yearDay(p: Parts): number {
  return Math.floor((Date.UTC(p.y, p.mo, p.d) - Date.UTC(p.y, 0, 1)) / 86_400_000) + 1
}

function offset(p: Parts): string {
  const sign = p.offMin < 0 ? '-' : '+'
  const m = Math.abs(p.offMin)
  return sign + pad(Math.floor(m / 60)) + pad(m % 60)
}

/** strftime with the common conversions. */
export function strftime(fmt: string, d: Date, utc: boolean): string {
  const p = parts(d, utc)
  return fmt.replace(/%([a-zA-Z%])/g, (m, c: string) => {
    switch (c) {
      case 'a': return (DAYS[p.wd] ?? '').slice(0, 3)
      case 'A': return DAYS[p.wd] ?? ''
      case 'b': case 'h': return (MONTHS[p.mo] ?? '').slice(0, 3)
      case 'B': return MONTHS[p.mo] ?? ''
      case 'd': return pad(p.d)
      case 'e': return String(p.d).padStart(2, ' ')
      case 'H': return pad(p.h)
      case 'I': return pad(((p.h + 11) % 12) + 1)
      case 'j': return pad(yearDay(p), 3)
      case 'm': return pad(p.mo + 1)
      case 'M': return pad(p.mi)
      case 'p': return p.h < 12 ? 'AM' : 'PM'
      case 'S': return pad(p.sec)
      case 's': return String(Math.floor(d.getTime() / 1000))
      case 'u': return String(p.wd === 0 ? 7 : p.wd)
      case 'w': return String(p.wd)
      case 'y': return pad(p.y % 100)
      case 'Y': return String(p.y)
      case 'z': return offset(p)
      case 'Z': return utc ? 'GMT' : ''
      case 'T': return `${pad(p.h)}:${pad(p.mi)}:${pad(p.sec)}`
      case 'D': return `${pad(p.mo + 1)}/${pad(p.d)}/${pad(p.y % 100)}`
      case 'F': return `${p.y}-${pad(p.mo + 1)}-${pad(p.d)}`
      case 'n': return '\n'
      case 't': return '\t'
      case '%': return '%'
      default: return m
    }
  })
}

function timePart(pick: (p: Parts) => number): FunctionSpec {
  return { min: 0, max: 1, fn: (s, a) => pick(parts(dateOf(s, a, intArg(a, 0)), false)) }
}

export const sysModule: LibraryModule = {
  functions: {
    'sys.time': { min: 0, max: 0, fn: (s) => nowS(s) },
    'sys.time.highres': { min: 0, max: 0, fn: (s) => new TsDouble(s.services.clock.nowMs() / 1000) },
    'sys.time.year': timePart((p) => p.y),
    'sys.time.month': timePart((p) => p.mo + 1),
    'sys.time.monthday': timePart((p) => p.d),
    'sys.time.yearday': timePart(yearDay),
    'sys.time.weekday': timePart((p) => p.wd + 1),
    'sys.time.hour': timePart((p) => p.h),
    'sys.time.minutes': timePart((p) => p.mi),
    'sys.time.seconds': timePart((p) => p.sec),
    'sys.timeToString': {
      min: 0, max: 1,
      fn: (s, a) => strftime('[%d/%b/%Y:%H:%M:%S %z]', dateOf(s, a, intArg(a, 0)), false),
    },
    'sys.gmtime.format': { min: 2, max: 2, fn: (_s, a) => strftime(str(a, 0), new Date(intArg(a, 1) * 1000), true) },
    'sys.localtime.format': { min: 2, max: 2, fn: (_s, a) => strftime(str(a, 0), new Date(intArg(a, 1) * 1000), false) },
    'sys.hostname': { min: 0, max: 0, fn: (s) => s.services.hostname.split('.')[0] ?? '' },
    'sys.domainname': { min: 0, max: 0, fn: (s) => s.services.hostname.split('.').slice(1).join('.') },
    // The environment is not exposed to rules: configuration belongs in the config, not in env.
    'sys.getenv': { min: 1, max: 1, fn: () => '' },
    'sys.getpid': { min: 0, max: 0, fn: () => process.pid },
    'sys.isFIPS': { min: 0, max: 0, fn: () => 0 },
  },
}
