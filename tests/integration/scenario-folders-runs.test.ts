/**
 * The Scenarios panel beyond the data folder (issue 18), through the service as the dialog calls it: a folder the
 * user opens (a repo) lists its scenario files and not its other YAML, is remembered, and keeps names inside it; a
 * run's steps link to their events (the run's log); Stop ends a waiting run at once and closes its connection; quitting
 * stops a run that is still going.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { newTestService, type TestService } from '../helpers/service'
import { startWsServer, type RunningWs } from '../helpers/servers'
import { until } from '../helpers/time'
import type { ClientSession } from '../../src/main/service/session'
import { ScenarioFiles } from '../../src/main/service/scenarios'
import type { ScenarioFolder, ScenarioRunLog, ScenarioRunState } from '../../src/shared/api'

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!()
})

async function setUp(): Promise<{ svc: TestService; session: ClientSession; server: RunningWs; closes: number[] }> {
  const svc = newTestService()
  cleanups.push(() => svc.dispose())
  const closes: number[] = []
  const server = await startWsServer({
    onConnection: (ws) => {
      ws.on('message', (d, binary) => ws.send(d, { binary }))
      ws.on('close', (code) => closes.push(code))
    }
  })
  cleanups.push(() => server.close())
  return { svc, session: svc.service.openSession('w', () => undefined), server, closes }
}

const echo = (url: string, expect = 'hello'): string =>
  `steps:\n  - connect: "${url}"\n  - send: hello\n  - expect: ${expect}\n  - close: { code: 1000 }\n`
/** A scenario whose third step waits 30 s for a message that never comes. */
const waiting = (url: string): string =>
  `steps:\n  - connect: "${url}"\n  - send: hello\n  - expect: { within: 30s, equals: never }\n  - send: after\n`

/** Polls until the run is done, or (`untilSteps`) until that many steps have ended. */
async function poll(t: TestService, s: ClientSession, runId: string, untilSteps?: number): Promise<ScenarioRunState> {
  const steps: ScenarioRunState['steps'] = []
  for (let i = 0; i < 300; i++) {
    const st = (await t.service.call(s, 'scenarioRunState', [runId, steps.length])) as ScenarioRunState
    steps.push(...st.steps)
    if (untilSteps === undefined ? st.done : steps.length >= untilSteps) return { ...st, steps }
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new Error('the run did not get there')
}

describe('Scenarios panel: folders, step links, stop', () => {
  it('lists the scenario files of an opened folder (not its other YAML), reads and saves inside it, refuses names outside, and remembers it', async () => {
    const { svc, session, server } = await setUp()
    const repo = mkdtempSync(join(tmpdir(), 'sockscope-repo-'))
    cleanups.push(() => rmSync(repo, { recursive: true, force: true }))
    for (const [path, text] of [
      ['tests/ws/echo.yaml', echo(server.url)],
      ['.github/workflows/ci.yml', 'on: push\nsteps:\n  - run: npm test\n'],
      ['node_modules/pkg/s.yaml', 'steps:\n  - wait: 1s\n'],
      ['deploy/k8s.yaml', 'kind: Deployment\nspec: {}\n'],
      ['smoke.yml', 'name: smoke\nsteps:\n  - wait: 10ms\n']
    ]) {
      mkdirSync(join(repo, path, '..'), { recursive: true })
      writeFileSync(join(repo, path), text)
    }
    await expect(svc.service.call(session, 'scenarioFolderOpen', ['relative/path'])).rejects.toThrow(/is not a full path/)
    await expect(svc.service.call(session, 'scenarioFolderOpen', [join(repo, 'missing')])).rejects.toThrow(/There is no folder at/)
    await expect(svc.service.call(session, 'scenarioFolderOpen', [null])).rejects.toThrow(
      /cannot show a folder dialog: type the folder's full path/
    )
    const folders = (await svc.service.call(session, 'scenarioFolderOpen', [repo])) as ScenarioFolder[]
    expect(folders.map((f) => f.path)).toEqual([null, repo])
    expect(folders[1].files.map((f) => f.name)).toEqual(['smoke.yml', 'tests/ws/echo.yaml'])

    const file = { folder: repo, name: 'tests/ws/echo.yaml' }
    expect(await svc.service.call(session, 'scenarioRead', [file])).toBe(echo(server.url))
    await svc.service.call(session, 'scenarioSave', [{ folder: repo, name: 'tests/new/more.yaml' }, 'steps:\n  - wait: 1ms\n'])
    expect(readFileSync(join(repo, 'tests/new/more.yaml'), 'utf8')).toBe('steps:\n  - wait: 1ms\n')
    await expect(svc.service.call(session, 'scenarioSave', [{ folder: repo, name: '../outside.yaml' }, 'x'])).rejects.toThrow(
      /is not a scenario file inside .*: give a path inside the folder/
    )
    await expect(svc.service.call(session, 'scenarioRead', [{ folder: tmpdir(), name: 'x.yaml' }])).rejects.toThrow(
      /is not open in the Scenarios panel: open it with "Open folder…" first/
    )
    const run = (await svc.service.call(session, 'scenarioRun', [file])) as { runId: string }
    expect((await poll(svc, session, run.runId)).status).toBe('passed')

    // Remembered: the panel's files read again from the same data folder (as after a restart) list it.
    expect((await new ScenarioFiles(svc.dir).list()).map((f) => f.path)).toEqual([null, repo])
    expect(((await svc.service.call(session, 'scenarioFolderClose', [repo])) as ScenarioFolder[]).map((f) => f.path)).toEqual([null])
    expect((await new ScenarioFiles(svc.dir).list()).map((f) => f.path)).toEqual([null])
    expect(readFileSync(join(repo, 'smoke.yml'), 'utf8')).toContain('smoke')
  })

  it("links each step to its events: the run's log holds the rows the step's seqs name", async () => {
    const { svc, session, server } = await setUp()
    await svc.service.call(session, 'scenarioSave', [{ folder: null, name: 'echo.yaml' }, echo(server.url)])
    const { runId } = (await svc.service.call(session, 'scenarioRun', [{ folder: null, name: 'echo.yaml' }])) as { runId: string }
    const state = await poll(svc, session, runId)
    expect(state.connections).toEqual([{ id: expect.any(String), name: 'main', url: `${server.url}/` }])
    const [send, expectStep] = [state.steps[1], state.steps[2]]
    expect(send.connectionId).toBe(state.connections[0].id)
    const log = (await svc.service.call(session, 'scenarioRunLog', [runId, send.connectionId])) as ScenarioRunLog
    expect(log.name).toBe('main')
    const bySeq = (seq: number) => log.events.find((e) => e.seq === seq)
    expect(bySeq(send.seqs![0])).toMatchObject({ type: 'message', dir: 'out', data: 'hello' })
    expect(bySeq(expectStep.seqs![0])).toMatchObject({ type: 'message', dir: 'in', data: 'hello' })
    expect(log.events.at(-1)).toMatchObject({ type: 'state', state: 'closed' })
    await expect(svc.service.call(session, 'scenarioRunLog', [runId, 'nope'])).rejects.toThrow(/no longer kept/)
  })

  it('Stop fails the waiting step in words, skips the rest, and closes the connection, at once', async () => {
    const { svc, session, server, closes } = await setUp()
    await svc.service.call(session, 'scenarioSave', [{ folder: null, name: 'wait.yaml' }, waiting(server.url)])
    const { runId } = (await svc.service.call(session, 'scenarioRun', [{ folder: null, name: 'wait.yaml' }])) as { runId: string }
    const midway = await poll(svc, session, runId, 2)
    // The step under way is told while it waits, so the panel can show it running.
    expect(midway.running).toMatchObject({ path: '3', name: expect.stringContaining('expect') })
    const started = performance.now()
    await svc.service.call(session, 'scenarioRunStop', [runId])
    expect(performance.now() - started).toBeLessThan(5000)
    const end = await poll(svc, session, runId)
    expect(end).toMatchObject({ done: true, status: 'failed', stopped: true })
    expect(end.running).toBeUndefined()
    expect(end.steps.map((s) => [s.path, s.status])).toEqual([
      ['1', 'passed'],
      ['2', 'passed'],
      ['3', 'failed'],
      ['4', 'skipped']
    ])
    expect(end.steps[2].actual).toBe('it was stopped from the Scenarios panel')
    await until(() => closes.length === 1, 'the server to see the close')
    expect(closes).toEqual([1000])
  })

  it('quitting stops a run still going and closes its connection before the service is done', async () => {
    const { svc, session, server, closes } = await setUp()
    await svc.service.call(session, 'scenarioSave', [{ folder: null, name: 'wait.yaml' }, waiting(server.url)])
    const { runId } = (await svc.service.call(session, 'scenarioRun', [{ folder: null, name: 'wait.yaml' }])) as { runId: string }
    await poll(svc, session, runId, 2)
    expect(await svc.service.shutdown()).toBe('done')
    const end = (await svc.service.call(session, 'scenarioRunState', [runId, 0])) as ScenarioRunState
    expect(end.steps[2]).toMatchObject({ status: 'failed', actual: 'it was stopped because Sockscope is quitting' })
    await until(() => closes.length === 1, 'the server to see the close')
  })
})
