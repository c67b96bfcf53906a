import { createI18n } from 'vue-i18n'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
import elEn from 'element-plus/es/locale/lang/en'
import zhCN from './zh-CN'
import en from './en'
import type { Language } from '../backend/types'

export const LANGUAGES: Language[] = ['zh-CN', 'en']

export function toLanguage(value: string | null | undefined): Language {
  return value === 'en' ? 'en' : 'zh-CN'
}

/** Element Plus's own texts (date pickers, pagination, empty states) for a UI language. */
export function elementLocale(language: Language) {
  return language === 'en' ? elEn : zhCn
}

export function createAppI18n(language: Language = 'zh-CN') {
  return createI18n({
    legacy: false,
    locale: language,
    fallbackLocale: 'zh-CN',
    missingWarn: false,
    fallbackWarn: false,
    messages: { 'zh-CN': zhCN, en },
  })
}

export type AppI18n = ReturnType<typeof createAppI18n>
