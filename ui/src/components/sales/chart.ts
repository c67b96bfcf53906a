import { use, type ComposeOption } from 'echarts/core'
import { BarChart, GaugeChart, LineChart, PieChart, type BarSeriesOption, type GaugeSeriesOption, type LineSeriesOption, type PieSeriesOption } from 'echarts/charts'
import {
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
  type GridComponentOption,
  type LegendComponentOption,
  type TitleComponentOption,
  type TooltipComponentOption,
} from 'echarts/components'
import { SVGRenderer } from 'echarts/renderers'

// Only what the sales and target charts draw, so the bundle carries no more of ECharts than that.
use([BarChart, GaugeChart, LineChart, PieChart, GridComponent, LegendComponent, TitleComponent, TooltipComponent, SVGRenderer])

/** An option of the charts `EChart` can draw. */
export type ChartOption = ComposeOption<
  BarSeriesOption | GaugeSeriesOption | LineSeriesOption | PieSeriesOption | GridComponentOption | LegendComponentOption | TitleComponentOption | TooltipComponentOption
>

/** What a click on a bar or slice reports. */
export interface ChartClick {
  dataIndex: number
  name: string
  seriesIndex?: number
}

/**
 * Twenty colours far enough apart to tell a dozen regions or product lines
 * apart (ECharts' own nine, then eleven more); pies show their top slices and
 * one for the rest, so no two slices share a colour.
 */
export const PALETTE = [
  '#5470c6', '#91cc75', '#fac858', '#ee6666', '#73c0de', '#3ba272', '#fc8452', '#9a60b4', '#ea7ccc',
  '#2f4554', '#c23531', '#b5a642', '#1e90a0', '#8b5a2b', '#6e7074', '#d48265', '#4b0082', '#bda29a', '#00a86b', '#ff1493',
]

/** How many slices a pie shows before the rest become one. */
export const PIE_SLICES = 10

/** The largest `PIE_SLICES` values, then one named `rest` for all the others. */
export function topAndRest(data: Array<{ name: string; value: number }>, rest: string): Array<{ name: string; value: number }> {
  if (data.length <= PIE_SLICES + 1) return data
  const sorted = [...data].sort((a, b) => b.value - a.value)
  const others = sorted.slice(PIE_SLICES).reduce((sum, d) => sum + d.value, 0)
  return [...sorted.slice(0, PIE_SLICES), { name: rest, value: others }]
}

/** An amount of yuan on an axis: 万 and 亿 in Chinese (120000 → 12万), k and M in English. */
export function axisYuan(yuan: number, en: boolean): string {
  const steps: Array<[number, string]> = en ? [[1e9, 'B'], [1e6, 'M'], [1e3, 'k']] : [[1e8, '亿'], [1e4, '万']]
  for (const [size, unit] of steps) {
    if (Math.abs(yuan) >= size) return `${Number((yuan / size).toFixed(1))}${unit}`
  }
  return String(yuan)
}

/** Yuan from fen, as a plain number (for axes and tooltips). */
export const toYuan = (fen: number) => Math.round(fen) / 100

/** A pie of named values (fen), titled: the top slices and `rest` for the others. */
export function pieSeries(name: string, data: Array<{ name: string; value: number }>, rest: string, center: [string, string] = ['50%', '55%']): PieSeriesOption {
  const slices = topAndRest(data, rest).map((d) => ({ name: d.name, value: toYuan(d.value) }))
  return { type: 'pie', name, radius: ['35%', '65%'], center, data: slices, label: { formatter: '{b}\n{d}%' } }
}

/** Bars of one series per group, stacked or side by side, over `categories` (values in fen, the axis in 万/亿 yuan). */
export function barOption(categories: string[], series: Array<{ name: string; values: number[] }>, stack: boolean, en: boolean): ChartOption {
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0, type: 'scroll' },
    grid: { left: 70, right: 20, top: 40, bottom: 40 },
    xAxis: { type: 'category', data: categories },
    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => axisYuan(v, en) } },
    series: series.map((s) => ({ type: 'bar', name: s.name, barMaxWidth: 48, data: s.values.map(toYuan), ...(stack ? { stack: 'total' } : {}) })),
  }
}
