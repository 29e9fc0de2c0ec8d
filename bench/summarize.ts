/**
 * Turns the raw rows of bench/run.sh into the committed result files: a JSON document (the
 * format docs/benchmarks.md describes) and a short markdown report.
 *
 *   node bench/summarize.ts --results R.tsv --skipped S.tsv --meta M.tsv --ref nginx --json OUT.json --md OUT.md
 * @module
 */

import { readFileSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'

/** Version of the JSON layout; bump it when a field changes meaning. */
const SCHEMA = 'sluice-bench-http/2'
/** Default goals from the issue: throughput at least this share of the reference's... */
const MIN_RPS_RATIO = 0.8
/** ...and p99 latency at most this multiple of the reference's. */
const MAX_P99_RATIO = 1.5

/** What each target is compared with (`ref:NAME` in the meta file) and its goal (`goal:NAME`). */
interface Comparison {
  readonly reference: string
  /** False for targets measured only for reference (`goal_NAME` prints "none"), such as floors. */
  readonly hasGoal: boolean
  readonly minRpsRatio: number
  readonly maxP99Ratio: number
}

function comparison(meta: Readonly<Record<string, string>>, target: string, defaultRef: string): Comparison {
  const reference = meta[`ref:${target}`]?.trim() ?? ''
  const [minText, maxText] = (meta[`goal:${target}`] ?? '').trim().split(/\s+/)
  const min = Number(minText)
  const max = Number(maxText)
  return {
    reference: reference === '' ? defaultRef : reference,
    hasGoal: minText !== 'none',
    minRpsRatio: minText !== undefined && minText !== '' && Number.isFinite(min) ? min : MIN_RPS_RATIO,
    maxP99Ratio: maxText !== undefined && maxText !== '' && Number.isFinite(max) ? max : MAX_P99_RATIO,
  }
}

interface Row {
  readonly round: number
  readonly target: string
  readonly conns: number
  readonly rps: number | null
  readonly p50Ms: number | null
  readonly p99Ms: number | null
  readonly requests: number
  readonly socketErrors: number
  readonly non2xx: number
  readonly serverCpuPct: number | null
  readonly serverUsPerReq: number | null
  readonly backendCpuPct: number | null
  readonly wrkCpuPct: number | null
  readonly machineBusyPct: number | null
}

function readTsv(path: string): Record<string, string>[] {
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '')
  const header = (lines.shift() ?? '').split('\t')
  return lines.map((line) => {
    const cells = line.split('\t')
    const rec: Record<string, string> = {}
    header.forEach((h, i) => {
      rec[h] = cells[i] ?? ''
    })
    return rec
  })
}

function num(v: string | undefined): number | null {
  if (v === undefined || v === '' || v === 'NA') return null
  const n = Number(v)
  return Number.isFinite(n) ? n : null
}

function toRow(r: Record<string, string>): Row {
  return {
    round: num(r['round']) ?? 0,
    target: r['target'] ?? '',
    conns: num(r['conns']) ?? 0,
    rps: num(r['rps']),
    p50Ms: num(r['p50_ms']),
    p99Ms: num(r['p99_ms']),
    requests: num(r['requests']) ?? 0,
    socketErrors: num(r['socket_errors']) ?? 0,
    non2xx: num(r['non2xx']) ?? 0,
    serverCpuPct: num(r['server_cpu_pct']),
    serverUsPerReq: num(r['server_us_per_req']),
    backendCpuPct: num(r['backend_cpu_pct']),
    wrkCpuPct: num(r['wrk_cpu_pct']),
    machineBusyPct: num(r['machine_busy_pct']),
  }
}

function median(values: readonly (number | null)[]): number | null {
  const v = values.filter((x): x is number => x !== null).sort((a, b) => a - b)
  if (v.length === 0) return null
  const mid = Math.floor(v.length / 2)
  const hi = v[mid] ?? 0
  return v.length % 2 === 1 ? hi : ((v[mid - 1] ?? hi) + hi) / 2
}

function round3(n: number | null): number | null {
  return n === null ? null : Math.round(n * 1000) / 1000
}

// Ratios are taken per round (both targets measured minutes apart on the same machine) and
// then the median, so one noisy round does not decide the result.
function ratios(rows: readonly Row[], ref: readonly Row[], pick: (r: Row) => number | null): number | null {
  const out: number[] = []
  for (const r of rows) {
    const base = ref.find((x) => x.round === r.round)
    const a = pick(r)
    const b = base === undefined ? null : pick(base)
    if (a !== null && b !== null && b > 0) out.push(a / b)
  }
  return round3(median(out))
}

interface Summary {
  readonly target: string
  /** The target the ratios are taken against. */
  readonly reference: string
  readonly conns: number
  readonly rounds: number
  readonly rps_median: number | null
  readonly rps_min: number | null
  readonly rps_max: number | null
  readonly p50_ms_median: number | null
  readonly p99_ms_median: number | null
  readonly cpu_us_per_req_median: number | null
  readonly server_cpu_pct_median: number | null
  readonly machine_busy_pct_median: number | null
  readonly rps_ratio_vs_ref: number | null
  readonly p99_ratio_vs_ref: number | null
  readonly errors: number
}

function summarize(rows: readonly Row[], refOf: (target: string) => string): Summary[] {
  const keys = [...new Set(rows.map((r) => `${r.target}\t${String(r.conns)}`))]
  return keys.map((key) => {
    const [target = '', connsText = '0'] = key.split('\t')
    const conns = Number(connsText)
    const mine = rows.filter((r) => r.target === target && r.conns === conns)
    const refName = refOf(target)
    const ref = rows.filter((r) => r.target === refName && r.conns === conns)
    const rps = mine.map((r) => r.rps).filter((x): x is number => x !== null)
    return {
      target,
      reference: refName,
      conns,
      rounds: mine.length,
      rps_median: round3(median(rps)),
      rps_min: rps.length > 0 ? Math.min(...rps) : null,
      rps_max: rps.length > 0 ? Math.max(...rps) : null,
      p50_ms_median: round3(median(mine.map((r) => r.p50Ms))),
      p99_ms_median: round3(median(mine.map((r) => r.p99Ms))),
      cpu_us_per_req_median: round3(median(mine.map((r) => r.serverUsPerReq))),
      server_cpu_pct_median: round3(median(mine.map((r) => r.serverCpuPct))),
      machine_busy_pct_median: round3(median(mine.map((r) => r.machineBusyPct))),
      rps_ratio_vs_ref: ratios(mine, ref, (r) => r.rps),
      p99_ratio_vs_ref: ratios(mine, ref, (r) => r.p99Ms),
      errors: mine.reduce((n, r) => n + r.socketErrors + r.non2xx, 0),
    }
  })
}

function fmt(n: number | null, digits = 0): string {
  if (n === null) return 'n/a'
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
}

function markdown(doc: {
  meta: Record<string, string>
  reference: string
  summary: readonly Summary[]
  goals: readonly {
    target: string; reference: string; conns: number; min_rps_ratio: number; max_p99_ratio: number
    rps_ratio: number | null; p99_ratio: number | null; met: boolean | null
  }[]
  skipped: readonly Record<string, string>[]
}): string {
  const m = doc.meta
  const out: string[] = []
  out.push(`# HTTP proxy benchmark, ${m['date'] ?? ''}`, '')
  out.push(`Machine: ${m['host'] ?? ''}, ${m['cpus'] ?? '?'} cpus (${m['cpu_model'] ?? ''}).`)
  out.push(`Tools: ${m['wrk'] ?? ''}; ${m['nginx'] ?? ''}; Node ${m['node'] ?? ''}; Sluice ${m['sluice_commit'] ?? ''}.`)
  out.push(`Settings: ${m['settings'] ?? ''}. Nodes: ${m['nodes'] ?? ''} (nginx, 1 worker, 100-byte body).`, '')
  out.push('Targets:', '')
  for (const [k, v] of Object.entries(m)) if (k.startsWith('target:')) out.push(`- \`${k.slice(7)}\`: ${v}`)
  out.push('', 'Medians over rounds; ratios are per-round ratios against the target in the `vs` column, then the median.', '')
  out.push('| target | conns | req/s | min-max | vs | req/s ratio | p50 ms | p99 ms | p99 ratio | CPU us/req | server CPU % | errors | rounds |')
  out.push('| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
  for (const s of doc.summary) {
    const vs = s.reference === s.target ? '-' : s.reference
    out.push(`| ${s.target} | ${String(s.conns)} | ${fmt(s.rps_median)} | ${fmt(s.rps_min)}-${fmt(s.rps_max)} | ${vs} | ` +
      `${fmt(s.rps_ratio_vs_ref, 2)} | ${fmt(s.p50_ms_median, 3)} | ${fmt(s.p99_ms_median, 3)} | ` +
      `${fmt(s.p99_ratio_vs_ref, 2)} | ${fmt(s.cpu_us_per_req_median, 1)} | ${fmt(s.server_cpu_pct_median)} | ` +
      `${String(s.errors)} | ${String(s.rounds)} |`)
  }
  if (doc.goals.length > 0) {
    out.push('', 'Goals: req/s at least the goal ratio of the reference\'s, p99 at most its multiple, no errors.', '')
    out.push('| target | vs | conns | req/s ratio | goal | p99 ratio | goal | met |', '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |')
    for (const g of doc.goals) {
      const met = g.met === null ? 'n/a' : g.met ? 'yes' : 'no'
      out.push(`| ${g.target} | ${g.reference} | ${String(g.conns)} | ${fmt(g.rps_ratio, 2)} | >= ${String(g.min_rps_ratio)} | ` +
        `${fmt(g.p99_ratio, 2)} | <= ${String(g.max_p99_ratio)} | ${met} |`)
    }
  }
  if (doc.skipped.length > 0) {
    out.push('', 'Skipped:', '')
    for (const s of doc.skipped) out.push(`- round ${s['round'] ?? '?'} \`${s['target'] ?? '?'}\`: ${s['reason'] ?? ''}`)
  }
  return out.join('\n') + '\n'
}

function main(): void {
  const { values } = parseArgs({
    options: {
      results: { type: 'string' },
      skipped: { type: 'string' },
      meta: { type: 'string' },
      ref: { type: 'string', default: 'nginx' },
      json: { type: 'string' },
      md: { type: 'string' },
    },
  })
  if (values.results === undefined || values.json === undefined || values.md === undefined) {
    console.error('usage: summarize.ts --results R.tsv [--skipped S.tsv] [--meta M.tsv] [--ref NAME] --json OUT --md OUT')
    process.exitCode = 2
    return
  }
  const rows = readTsv(values.results).map(toRow)
  const skipped = values.skipped === undefined ? [] : readTsv(values.skipped)
  const meta: Record<string, string> = {}
  if (values.meta !== undefined) {
    for (const line of readFileSync(values.meta, 'utf8').split('\n')) {
      const tab = line.indexOf('\t')
      if (tab > 0) meta[line.slice(0, tab)] = line.slice(tab + 1)
    }
  }
  const reference = values.ref
  const summary = summarize(rows, (t) => comparison(meta, t, reference).reference)
  const goals = summary
    .filter((s) => s.target !== s.reference && comparison(meta, s.target, reference).hasGoal)
    .map((s) => {
      const c = comparison(meta, s.target, reference)
      return {
        target: s.target,
        reference: c.reference,
        conns: s.conns,
        min_rps_ratio: c.minRpsRatio,
        max_p99_ratio: c.maxP99Ratio,
        rps_ratio: s.rps_ratio_vs_ref,
        p99_ratio: s.p99_ratio_vs_ref,
        met: s.rps_ratio_vs_ref === null || s.p99_ratio_vs_ref === null
          ? null
          : s.rps_ratio_vs_ref >= c.minRpsRatio && s.p99_ratio_vs_ref <= c.maxP99Ratio && s.errors === 0,
      }
    })
  const doc = {
    schema: SCHEMA,
    meta,
    reference,
    goal: { min_rps_ratio: MIN_RPS_RATIO, max_p99_ratio: MAX_P99_RATIO },
    summary,
    goals,
    skipped,
    measurements: rows.map((r) => ({
      round: r.round, target: r.target, conns: r.conns, rps: r.rps, p50_ms: r.p50Ms, p99_ms: r.p99Ms,
      requests: r.requests, socket_errors: r.socketErrors, non2xx: r.non2xx,
      server_cpu_pct: r.serverCpuPct, server_us_per_req: r.serverUsPerReq,
      backend_cpu_pct: r.backendCpuPct, wrk_cpu_pct: r.wrkCpuPct, machine_busy_pct: r.machineBusyPct,
    })),
  }
  writeFileSync(values.json, JSON.stringify(doc, null, 2) + '\n')
  writeFileSync(values.md, markdown(doc))
}

main()
