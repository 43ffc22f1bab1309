/**
 * Model-based tests of browser-mode sessions (issue 10, defect 4 and its neighbours): random sequences of pages
 * opening, duplicating, taking over, reloading, closing, connecting and repeating hellos against the real host
 * over real bridge sockets. After every step: one owner per session, events only to their owner, no leaked
 * session, no unhandled rejection. `FUZZ_RUNS` / `FUZZ_SEED` as in the lifecycle model.
 */
import { afterAll, beforeAll, describe, it } from 'vitest'
import fc from 'fast-check'
import { startWsServer, type RunningWs } from '../helpers/servers'
import { openPage, startTestHost, type TestPage } from '../helpers/bridgePage'
import { sleepReal, until } from '../helpers/time'

type PageOp =
  | { op: 'new' }
  | { op: 'duplicate'; page: number }
  | { op: 'takeover'; page: number }
  | { op: 'reload'; page: number; abrupt: boolean }
  | { op: 'close'; page: number }
  | { op: 'connect'; page: number }
  | { op: 'send'; page: number }
  | { op: 'hellos'; page: number; count: number }
  | { op: 'wait'; ms: number }

const page = fc.nat({ max: 5 })
const pageOp: fc.Arbitrary<PageOp> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ op: 'new' as const }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('duplicate' as const), page }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('takeover' as const), page }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('reload' as const), page, abrupt: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('close' as const), page }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('connect' as const), page }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('send' as const), page }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('hellos' as const), page, count: fc.integer({ min: 2, max: 50 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 300 }) }) }
)

const GRACE_MS = 150
const runs = Number(process.env.FUZZ_RUNS ?? 100)
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() ^ (Math.random() * 0x7fffffff)
const path = process.env.FUZZ_PATH

let echo: RunningWs
beforeAll(async () => {
  echo = await startWsServer()
})
afterAll(() => echo.close())

interface Tab {
  page: TestPage
  /** Connection ids this tab's session owns, as far as the tab knows. */
  conns: Set<string>
  taken: boolean
  /** The test closed or dropped this page itself (or asked another page to take it over). */
  letGo: boolean
}

async function run(ops: PageOp[]): Promise<void> {
  const host = await startTestHost({ reattachGraceMs: GRACE_MS })
  const rejections: unknown[] = []
  const onRejection = (r: unknown): void => void rejections.push(r)
  process.on('unhandledRejection', onRejection)
  const tabs: Tab[] = []
  const live = (): Tab[] => tabs.filter((t) => t.page.closed === null && !t.taken && t.page.session)
  const pick = (n: number): Tab | undefined => {
    const l = live()
    return l.length ? l[n % l.length] : undefined
  }
  const open = async (session?: string, takeover?: boolean, conns = new Set<string>()): Promise<Tab> => {
    const p = await openPage(host)
    const tab: Tab = { page: p, conns, taken: false, letGo: false }
    const w = await p.hello(session, takeover)
    if (!w.resumed) tab.conns = new Set()
    tabs.push(tab)
    return tab
  }
  const violations: string[] = []
  const check = (where: string): void => {
    const owners = new Map<string, number>()
    for (const t of live()) owners.set(t.page.session!, (owners.get(t.page.session!) ?? 0) + 1)
    for (const [s, n] of owners) if (n > 1) violations.push(`session ${s.slice(0, 8)} has ${n} live pages`)
    for (const t of tabs) {
      if (t.page.frames.some((f) => f.t === 'taken')) t.taken = true
      if (t.page.closed !== null && !t.letGo) violations.push(`the host closed a page nobody took over (code ${t.page.closed.code})`)
      const foreign = t.page.events.filter((e) => !t.conns.has(e.id))
      if (foreign.length) violations.push(`a page got ${foreign.length} event(s) of connections its session does not own`)
    }
    if (host.service.sessionCount > tabs.length)
      violations.push(`${host.service.sessionCount} sessions for ${tabs.length} pages ever opened`)
    if (rejections.length) violations.push(...rejections.map((r) => `unhandled rejection: ${String(r)}`))
    if (violations.length) throw new Error(`${where}:\n  ${violations.join('\n  ')}`)
  }
  try {
    for (const [i, o] of ops.entries()) {
      const tab = 'page' in o ? pick(o.page) : undefined
      switch (o.op) {
        case 'new':
          await open()
          break
        case 'duplicate':
          if (tab) {
            // The copy names the same session while the first page is alive: it must get one of its own.
            const copy = await open(tab.page.session!, false)
            if (copy.page.session === tab.page.session) violations.push('a duplicated page was given the live session of the first')
          }
          break
        case 'takeover':
          if (tab) {
            tab.letGo = true
            const t = await open(tab.page.session!, true, tab.conns)
            await until(() => tab.page.closed !== null, 'the first page to be closed after the take-over')
            tab.taken = true
            void t
          }
          break
        case 'reload':
          if (tab) {
            tab.letGo = true
            if (o.abrupt) tab.page.ws.terminate()
            else await tab.page.close()
            await open(tab.page.session!, false, tab.conns)
          }
          break
        case 'close':
          if (tab) {
            tab.letGo = true
            await tab.page.close()
          }
          break
        case 'connect':
          if (tab) {
            const { id } = await tab.page.call<{ id: string }>('connect', { url: echo.url })
            tab.conns.add(id)
          }
          break
        case 'send':
          if (tab && tab.conns.size) {
            const id = [...tab.conns][0]
            await tab.page.call('send', id, { kind: 'text', data: 'x' }).catch(() => undefined)
          }
          break
        case 'hellos':
          if (tab) for (let k = 0; k < o.count; k++) tab.page.raw(JSON.stringify({ t: 'hello', session: tab.page.session }))
          break
        case 'wait':
          await sleepReal(o.ms)
          break
      }
      await sleepReal(5)
      check(`after step ${i + 1} ${JSON.stringify(o)}`)
    }
    for (const t of tabs) {
      t.letGo = true
      if (t.page.closed === null) await t.page.close()
    }
    await until(() => host.service.sessionCount === 0, 'every session to close once every page is gone', 3000).catch(() =>
      violations.push(`${host.service.sessionCount} session(s) left after every page closed`)
    )
    if (host.service.retainedBytes() !== 0) violations.push(`${host.service.retainedBytes()} bytes held after every page closed`)
    check('after closing every page')
  } finally {
    for (const t of tabs) t.page.ws.terminate()
    process.off('unhandledRejection', onRejection)
    await host.close()
  }
}

describe('browser-mode sessions, model-based', () => {
  it(
    `keep one owner per session over ${runs} random sequences of pages (seed ${seed})`,
    async () => {
      console.info(`sessions model: ${runs} sequences, seed ${seed}; replay with FUZZ_SEED=${seed}`)
      await fc.assert(
        fc.asyncProperty(fc.array(pageOp, { minLength: 2, maxLength: 16 }), (ops) => run(ops)),
        { numRuns: runs, seed, ...(path ? { path } : {}), endOnFailure: false }
      )
    },
    Math.max(600_000, runs * 2000)
  )
})
