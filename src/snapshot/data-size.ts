/**
 * Sizes of the rules' shared data store (`trafficscript.data_size`): a share of the machine's
 * memory (`5%`) or an absolute size (`200MB`, `65536`).
 * @module
 */

const UNITS: Readonly<Record<string, number>> = { '': 1, B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 }
const DEFAULT_PERCENT = 5

/** Bytes for `text`; an unreadable value falls back to vTM's default of 5% of `totalMemBytes`. */
export function parseDataSize(text: string, totalMemBytes: number): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%|B|KB|MB|GB)?\s*$/i.exec(text)
  if (m === null) return Math.floor((totalMemBytes * DEFAULT_PERCENT) / 100)
  const n = Number(m[1])
  const unit = (m[2] ?? '').toUpperCase()
  if (unit === '%') return Math.floor((totalMemBytes * Math.min(n, 100)) / 100)
  return Math.floor(n * (UNITS[unit] ?? 1))
}
