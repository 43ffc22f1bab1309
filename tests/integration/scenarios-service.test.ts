/**
 * The Scenarios panel (issue 18) through the service, as the dialog calls it: files saved in the data folder's
 * scenarios/, listed and read back; a bad file checked gives its line; a saved scenario runs in the host against a
 * real echo server and its steps are polled to the end (passed, or failed with the step's expected and actual);
 * names that could leave the folder are refused in words.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { newTestService, type TestService } from '../helpers/service'
import { startWsServer, type RunningWs } from '../helpers/servers'
import type { ClientSession } from '../../src/main/service/session'
import type { ScenarioFolder, ScenarioRef, ScenarioRunState, ScenarioStep } from '../../src/shared/api'

let svc: TestService | null = null
let server: RunningWs | null = null
afterEach(async () => {
  await svc?.dispose()
  await server?.close()
  svc = server = null
})

const scenario = (url: string, reply: string): string => `name: echo
env:
  url: ${url}
steps:
  - connect: "{{url}}"
  - send: hello
  - expect: ${reply}
  - close: { code: 1000 }
`

type State = ScenarioRunState

/** A file in the data folder's scenarios/. */
const data = (name: string): ScenarioRef => ({ folder: null, name })

/** Polls a run as the dialog does, gathering the steps, until it is done. */
async function runToEnd(t: TestService, session: ClientSession, name: string): Promise<State & { runId: string }> {
  const { runId } = (await t.service.call(session, 'scenarioRun', [data(name)])) as { runId: string }
  const steps: ScenarioStep[] = []
  for (let i = 0; i < 200; i++) {
    const s = (await t.service.call(session, 'scenarioRunState', [runId, steps.length])) as State
    steps.push(...s.steps)
    if (s.done) return { ...s, steps, runId }
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error('the run did not end')
}

describe('Scenarios through the service', () => {
  it('saves, lists, reads, checks, and runs a scenario to passed', async () => {
    svc = newTestService()
    server = await startWsServer()
    const session = svc.service.openSession('w', () => undefined)
    expect(await svc.service.call(session, 'scenariosList', [])).toEqual([{ path: null, label: 'Data folder', files: [] }])
    const text = scenario(server.url, 'hello')
    await svc.service.call(session, 'scenarioSave', [data('echo.yaml'), text])
    expect(existsSync(join(svc.dir, 'scenarios', 'echo.yaml'))).toBe(true)
    const [folder] = (await svc.service.call(session, 'scenariosList', [])) as ScenarioFolder[]
    expect(folder.files).toMatchObject([{ name: 'echo.yaml', size: Buffer.byteLength(text) }])
    expect(Date.parse(folder.files[0].modified)).not.toBeNaN()
    expect(await svc.service.call(session, 'scenarioRead', [data('echo.yaml')])).toBe(text)

    expect(await svc.service.call(session, 'scenarioCheck', [text])).toEqual({ problems: [] })
    const bad = text.replace('  - send: hello', '  - sned: hello')
    const { problems } = (await svc.service.call(session, 'scenarioCheck', [bad])) as {
      problems: Array<{ line: number; column: number; message: string }>
    }
    expect(problems).toHaveLength(1)
    expect(problems[0].line).toBe(6)
    // Every wrong step is said, not only the first.
    const twice = (await svc.service.call(session, 'scenarioCheck', [bad.replace('  - expect:', '  - expcet:')])) as { problems: unknown[] }
    expect(twice.problems).toMatchObject([{ line: 6 }, { line: 7 }])
    expect(problems[0].message).toMatch(/\S/)
    expect(problems[0].message).not.toMatch(/^scenario:/)

    const run = await runToEnd(svc, session, 'echo.yaml')
    expect(run.status).toBe('passed')
    expect(run.steps.map((s) => [s.path, s.status])).toEqual([
      ['1', 'passed'],
      ['2', 'passed'],
      ['3', 'passed'],
      ['4', 'passed']
    ])
  })

  it("a failing scenario ends failed with the step's expected and actual", async () => {
    svc = newTestService()
    server = await startWsServer()
    const session = svc.service.openSession('w', () => undefined)
    await svc.service.call(session, 'scenarioSave', [data('fails.yml'), scenario(server.url, '{ within: 300ms, equals: goodbye }')])
    const run = await runToEnd(svc, session, 'fails.yml')
    expect(run.status).toBe('failed')
    const failed = run.steps.find((s) => s.status === 'failed')!
    expect(failed.path).toBe('3')
    expect(failed.expected).toContain('goodbye')
    expect(failed.actual).toBeTruthy()
    expect(run.steps.find((s) => s.path === '4')?.status).toBe('skipped')
  })

  it('refuses names outside the folder, a missing file, and a file that does not parse, in words', async () => {
    svc = newTestService()
    const session = svc.service.openSession('w', () => undefined)
    await expect(svc.service.call(session, 'scenarioSave', [data('../evil.yaml'), 'steps: []'])).rejects.toThrow(
      /^"\.\.\/evil\.yaml" is not a scenario file name: use letters, digits/
    )
    await expect(svc.service.call(session, 'scenarioRead', [data('notes.txt')])).rejects.toThrow(
      /^This request was refused: .*must be a file name ending in \.yaml/
    )
    await expect(svc.service.call(session, 'scenarioRead', [data('nothing.yaml')])).rejects.toThrow(
      'There is no scenario named nothing.yaml.'
    )
    await svc.service.call(session, 'scenarioSave', [data('broken.yaml'), 'steps:\n  - sned: hi\n'])
    await expect(svc.service.call(session, 'scenarioRun', [data('broken.yaml')])).rejects.toThrow(
      /^broken\.yaml cannot run: line 2, column \d+: /
    )
  })
})
