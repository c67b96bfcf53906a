import { describe, expect, it } from 'vitest'
import { axisYuan, PALETTE, PIE_SLICES, topAndRest } from '../components/sales/chart'
import { defineComponent } from 'vue'
import { mount } from '@vue/test-utils'
import { useSalesText } from '../composables/useSalesText'
import { createAppI18n } from '../locales'

/** The sales texts as a screen in `language` has them. */
function salesText(language: 'zh-CN' | 'en' = 'zh-CN') {
  let text!: ReturnType<typeof useSalesText>
  mount(defineComponent({ setup: () => ((text = useSalesText()), () => null) }), { global: { plugins: [createAppI18n(language)] } })
  return text
}

describe('sales charts', () => {
  it('show money on an axis by 万 and 亿 in Chinese, k and M in English', () => {
    expect(axisYuan(0, false)).toBe('0')
    expect(axisYuan(8000, false)).toBe('8000')
    expect(axisYuan(120000, false)).toBe('12万')
    expect(axisYuan(125000, false)).toBe('12.5万')
    expect(axisYuan(350000000, false)).toBe('3.5亿')
    expect(axisYuan(120000, true)).toBe('120k')
    expect(axisYuan(3500000, true)).toBe('3.5M')
  })

  it('show a credit use far over the limit as how many times the limit, in red', () => {
    const text = salesText()
    expect(text.use(8000)).toEqual({ text: '80.0%', over: false })
    expect(text.use(12000)).toEqual({ text: '120.0%', over: true })
    expect(text.use(104600)).toEqual({ text: '超额 ×10', over: true })
    expect(text.use(1046000)).toEqual({ text: '超额 ×104', over: true })
    expect(salesText('en').use(1046000)).toEqual({ text: 'Over ×104', over: true })
  })

  it('draw a pie of the largest slices and one for the rest, each in a colour of its own', () => {
    const regions = Array.from({ length: 13 }, (_, i) => ({ name: `片区${i + 1}`, value: (i + 1) * 100 }))
    const slices = topAndRest(regions, '其他')
    expect(slices).toHaveLength(PIE_SLICES + 1)
    expect(slices[0]).toEqual({ name: '片区13', value: 1300 })
    expect(slices.at(-1)).toEqual({ name: '其他', value: 100 + 200 + 300 })
    expect(slices.reduce((sum, s) => sum + s.value, 0)).toBe(regions.reduce((sum, r) => sum + r.value, 0))
    expect(new Set(PALETTE).size).toBeGreaterThanOrEqual(slices.length)
    expect(new Set(PALETTE).size).toBeGreaterThanOrEqual(13)
    // Eleven slices or fewer are all shown.
    expect(topAndRest(regions.slice(0, PIE_SLICES + 1), '其他')).toHaveLength(PIE_SLICES + 1)
  })
})
