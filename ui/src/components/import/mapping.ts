import type { ImportFieldInfo, ImportKind } from '../../generated/bindings'

/** Stands for "the customer code or the customer name" among the missing fields of a sales import. */
export const CUSTOMER_KEY = '@customer'

/**
 * The required fields no column is mapped to, as the book checks them before
 * an import; a sales import also needs the customer's code or name.
 */
export function missingFields(kind: ImportKind, fields: ImportFieldInfo[], mapping: Array<string | null>): string[] {
  const missing = fields.filter((f) => f.required && !mapping.includes(f.key)).map((f) => f.key)
  if (kind === 'sales' && !mapping.includes('customerCode') && !mapping.includes('customerName')) missing.push(CUSTOMER_KEY)
  return missing
}

/** A field's label in the UI's language. */
export function fieldLabel(field: ImportFieldInfo, english: boolean): string {
  return english ? field.labelEn : field.labelZh
}
