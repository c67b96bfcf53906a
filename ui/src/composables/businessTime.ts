import { computed, ref } from 'vue'
import type { BusinessTime } from '../generated/bindings'

/**
 * The organisation's business time zone, as the book last said (see
 * `Book::business_time`). Every day boundary is the core's; the UI only shows
 * times in this zone, and reads what a person picks as wall-clock time in it.
 */
const current = ref<BusinessTime | null>(null)

export function setBusinessTime(time: BusinessTime) {
  current.value = time
}

export const businessTime = computed(() => current.value)

/** Today in the business time zone (YYYY-MM-DD), as the book counts it. */
export function businessToday(): string {
  return current.value?.today ?? ''
}

/** The computer's own offset from UTC differs from the business time zone's now. */
export const machineZoneDiffers = computed(() => {
  const time = current.value
  return !!time && -new Date().getTimezoneOffset() !== time.offsetMinutes
})

const formats = new Map<string, Intl.DateTimeFormat>()

/** The wall-clock fields of an instant in the business time zone. */
function wallFields(at: Date): Record<string, number> {
  const zone = current.value?.timeZone
  const key = zone ?? ''
  let format = formats.get(key)
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    formats.set(key, format)
  }
  const out: Record<string, number> = {}
  for (const part of format.formatToParts(at)) {
    if (part.type !== 'literal') out[part.type] = Number(part.value)
  }
  return out
}

const pad = (n: number) => String(n).padStart(2, '0')

/** A stored timestamp in business time, to the minute (`2026-11-22 09:30`). */
export function formatDateTime(iso: string): string {
  const at = new Date(iso)
  if (Number.isNaN(at.getTime())) return iso
  const f = wallFields(at)
  return `${f.year}-${pad(f.month)}-${pad(f.day)} ${pad(f.hour)}:${pad(f.minute)}`
}

/**
 * Now as a picker shows it: a Date whose own (local) fields are the business
 * wall clock, so a date-time picker opens on the time a colleague in the
 * office would read.
 */
export function pickerNow(offsetMinutes = 0): Date {
  const f = wallFields(new Date(Date.now() + offsetMinutes * 60_000))
  return new Date(f.year, f.month - 1, f.day, f.hour, f.minute, f.second)
}

/** What a person picked (a Date whose local fields are wall-clock time), for the core to read in business time. */
export function wallTime(picked: Date): string {
  return (
    `${picked.getFullYear()}-${pad(picked.getMonth() + 1)}-${pad(picked.getDate())}` +
    `T${pad(picked.getHours())}:${pad(picked.getMinutes())}:${pad(picked.getSeconds())}`
  )
}

/** A picked calendar day as YYYY-MM-DD. */
export function pickedDay(picked: Date): string {
  return `${picked.getFullYear()}-${pad(picked.getMonth() + 1)}-${pad(picked.getDate())}`
}

/** An offset from UTC in minutes as people write it: `UTC+8`, `UTC+5:45`, `UTC-5`. */
export function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+'
  const abs = Math.abs(minutes)
  const rest = abs % 60
  return `UTC${sign}${Math.floor(abs / 60)}${rest ? `:${pad(rest)}` : ''}`
}

/** The locale key of a zone's name (`timeZones.Asia_Shanghai`); zones without one show their IANA name. */
export const zoneKey = (zone: string) => `timeZones.${zone.replace(/\//g, '_')}`
