import { readFileSync } from 'node:fs'
import { inflateRawSync } from 'node:zlib'

/** One file of a zip archive (an xlsx workbook is one), read through its central directory. */
function zipEntry(archive: Buffer, name: string): Buffer | null {
  let end = archive.length - 22
  while (end >= 0 && archive.readUInt32LE(end) !== 0x06054b50) end -= 1
  if (end < 0) throw new Error('not a zip archive')
  const entries = archive.readUInt16LE(end + 10)
  let at = archive.readUInt32LE(end + 16)
  for (let i = 0; i < entries; i++) {
    if (archive.readUInt32LE(at) !== 0x02014b50) throw new Error('broken zip central directory')
    const method = archive.readUInt16LE(at + 10)
    const size = archive.readUInt32LE(at + 20)
    const nameLength = archive.readUInt16LE(at + 28)
    const extraLength = archive.readUInt16LE(at + 30)
    const commentLength = archive.readUInt16LE(at + 32)
    const local = archive.readUInt32LE(at + 42)
    const entryName = archive.toString('utf8', at + 46, at + 46 + nameLength)
    if (entryName === name) {
      const start = local + 30 + archive.readUInt16LE(local + 26) + archive.readUInt16LE(local + 28)
      const data = archive.subarray(start, start + size)
      return method === 8 ? inflateRawSync(data) : Buffer.from(data)
    }
    at += 46 + nameLength + extraLength + commentLength
  }
  return null
}

/** The texts of an xlsx workbook's shared string table, in order (each text once, where it first appears). */
export function xlsxTexts(path: string): string[] {
  const xml = zipEntry(readFileSync(path), 'xl/sharedStrings.xml')?.toString('utf8') ?? ''
  return [...xml.matchAll(/<t(?:\s[^>]*)?>([^<]*)<\/t>/g)].map((m) => m[1])
}
