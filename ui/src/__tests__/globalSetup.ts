import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { createInterface } from 'node:readline'
import type { TestProject } from 'vitest/node'

/**
 * Starts `fieldcrm-testserver` (the real core over HTTP on 127.0.0.1, a port the
 * OS picks) once per run and stops it afterwards. `make ui-test` builds it
 * first; FIELDCRM_TESTSERVER may point at another build.
 */
export default async function setup(project: TestProject) {
  const binary = process.env.FIELDCRM_TESTSERVER ?? resolve(__dirname, '../../../target/debug/fieldcrm-testserver')
  if (!existsSync(binary)) {
    throw new Error(`${binary} is missing: build it with \`cargo build -p fieldcrm-testserver\` (make ui-test builds it with everything the tests run)`)
  }
  const server: ChildProcess = spawn(binary, [], { stdio: ['pipe', 'pipe', 'inherit'] })
  const url = await new Promise<string>((done, fail) => {
    const lines = createInterface({ input: server.stdout! })
    lines.once('line', (line) => {
      const match = /^listening (http:\/\/\S+)$/.exec(line)
      if (match) done(match[1])
      else fail(new Error(`fieldcrm-testserver said: ${line}`))
    })
    server.once('exit', (code) => fail(new Error(`fieldcrm-testserver stopped (${code}) before listening`)))
  })
  project.provide('server', url)
  return () => {
    // Closing its standard input stops it; the kill is for a server that hangs.
    server.stdin?.end()
    server.kill()
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    server: string
  }
}
