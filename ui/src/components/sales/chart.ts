import { use, type ComposeOption } from 'echarts/core'
import { BarChart, LineChart, PieChart, type BarSeriesOption, type LineSeriesOption, type PieSeriesOption } from 'echarts/charts'
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

// Only what the sales charts draw, so the bundle carries no more of ECharts than that.
use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TitleComponent, TooltipComponent, SVGRenderer])

/** An option of the charts `EChart` can draw. */
export type ChartOption = ComposeOption<
  BarSeriesOption | LineSeriesOption | PieSeriesOption | GridComponentOption | LegendComponentOption | TitleComponentOption | TooltipComponentOption
>

/** What a click on a bar or slice reports. */
export interface ChartClick {
  dataIndex: number
  name: string
  seriesIndex?: number
}

/** Yuan from fen, as a plain number (for axes and tooltips). */
export const toYuan = (fen: number) => Math.round(fen) / 100

/** A pie of named values (fen), titled. */
export function pieSeries(name: string, data: Array<{ name: string; value: number }>, center: [string, string] = ['50%', '55%']): PieSeriesOption {
  return { type: 'pie', name, radius: ['35%', '65%'], center, data: data.map((d) => ({ name: d.name, value: toYuan(d.value) })), label: { formatter: '{b}\n{d}%' } }
}

/** Bars of one series per group, stacked or side by side, over `categories` (values in fen). */
export function barOption(categories: string[], series: Array<{ name: string; values: number[] }>, stack: boolean): ChartOption {
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 70, right: 20, top: 40, bottom: 40 },
    xAxis: { type: 'category', data: categories },
    yAxis: { type: 'value' },
    series: series.map((s) => ({ type: 'bar', name: s.name, barMaxWidth: 48, data: s.values.map(toYuan), ...(stack ? { stack: 'total' } : {}) })),
  }
}
