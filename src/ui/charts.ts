/**
 * Live line charts (uPlot) over the last minutes: one chart per measure, one line per object.
 * Rates are worked out here from the API's running totals.
 * @module
 */
import uPlot from 'uplot'
import { h } from './dom.ts'

/** How many samples a chart keeps: five minutes at one a second. */
const KEEP = 300

/** Axis numbers in a few characters: 1.5K, 20M. */
const COMPACT = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 })

/** Line colours with good contrast on white, told apart by more than hue alone. */
const COLOURS = ['#1f5fbf', '#c2410c', '#15803d', '#7e22ce', '#b91c1c', '#0e7490', '#a16207', '#be185d']

export class LiveChart {
  readonly element: HTMLElement
  #names: string[] = []
  #times: number[] = []
  #values = new Map<string, (number | null)[]>()
  #plot: uPlot | undefined
  readonly #holder: HTMLElement
  readonly #resize: ResizeObserver

  constructor(title: string, unit: string) {
    this.#holder = h('div', { class: 'chart-plot' })
    this.element = h('figure', { class: 'chart', 'aria-label': `${title} (${unit}), last five minutes` }, h('figcaption', {}, `${title} (${unit})`), this.#holder)
    this.#resize = new ResizeObserver(() => {
      this.#plot?.setSize({ width: this.#width(), height: 160 })
    })
    this.#resize.observe(this.#holder)
  }

  /** Adds one sample: a value per object (null for "no value at this moment"). */
  push(timeS: number, values: ReadonlyMap<string, number | null>): void {
    let isNewSeries = false
    for (const name of values.keys()) {
      if (!this.#values.has(name)) {
        this.#values.set(name, this.#times.map(() => null))
        isNewSeries = true
      }
    }
    this.#times.push(timeS)
    for (const [name, list] of this.#values) list.push(values.get(name) ?? null)
    if (this.#times.length > KEEP) {
      this.#times.shift()
      for (const list of this.#values.values()) list.shift()
    }
    const names = [...this.#values.keys()]
    const data: uPlot.AlignedData = [this.#times, ...names.map((n) => this.#values.get(n) ?? [])]
    if (this.#plot === undefined || isNewSeries) {
      this.#plot?.destroy()
      this.#names = names
      this.#plot = new uPlot(this.#options(), data, this.#holder)
    } else {
      this.#plot.setData(data)
    }
  }

  destroy(): void {
    this.#resize.disconnect()
    this.#plot?.destroy()
  }

  #width(): number {
    return Math.max(200, this.#holder.clientWidth)
  }

  #options(): uPlot.Options {
    return {
      width: this.#width(),
      height: 160,
      // The last five minutes, whatever has been seen so far, so the time axis always reads as clock time.
      scales: { x: { time: true, range: (_u, _min, max) => [max - KEEP, max] }, y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] } },
      series: [{ label: 'time' }, ...this.#names.map((name, i) => ({ label: name, stroke: COLOURS[i % COLOURS.length] ?? '#000', width: 2, spanGaps: true }))],
      axes: [{}, { size: 50, values: (_u, splits) => splits.map((v) => COMPACT.format(v)) }],
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
    }
  }
}

/** Rates per second between two readings of running totals (null when there is no earlier one). */
export function rate(now: number | undefined, before: number | undefined, seconds: number): number | null {
  if (now === undefined || before === undefined || seconds <= 0 || now < before) return null
  return (now - before) / seconds
}
