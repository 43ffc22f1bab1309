/**
 * A scenario run as the panel shows it: started in the host, polled into a live list of steps, stoppable. Polling
 * goes on while the dialog is closed, so a run started and left still ends (and shows its end when reopened).
 */
import { onBeforeUnmount, ref } from 'vue'
import { getApi } from '../../api'
import type { ScenarioRef, ScenarioStep } from '../../../../shared/api'

const POLL_MS = 200

export type RunPhase = 'idle' | 'running' | 'stopping' | 'passed' | 'failed' | 'stopped'

export function useScenarioRun(onProblem: (message: string) => void) {
  const steps = ref<ScenarioStep[]>([])
  const phase = ref<RunPhase>('idle')
  const runId = ref<string | null>(null)
  /** The step under way, shown after the finished ones. */
  const running = ref<{ path: string; name: string } | null>(null)
  let timer: ReturnType<typeof setTimeout> | null = null

  async function start(file: ScenarioRef): Promise<void> {
    const { runId: id } = await getApi().scenarioRun(file)
    cancelPoll()
    runId.value = id
    steps.value = []
    running.value = null
    phase.value = 'running'
    poll(id)
  }

  function poll(id: string): void {
    timer = setTimeout(async () => {
      timer = null
      try {
        const s = await getApi().scenarioRunState(id, steps.value.length)
        if (runId.value !== id) return
        steps.value.push(...s.steps)
        running.value = s.running ?? null
        if (s.done) phase.value = s.stopped ? 'stopped' : (s.status ?? 'failed')
        else poll(id)
      } catch (e) {
        onProblem((e as Error).message)
        phase.value = 'idle'
      }
    }, POLL_MS)
  }

  /** Stops the run; the poll picks up the stopped step and the end. */
  async function stop(): Promise<void> {
    if (!runId.value || phase.value !== 'running') return
    phase.value = 'stopping'
    try {
      await getApi().scenarioRunStop(runId.value)
    } catch (e) {
      onProblem((e as Error).message)
    }
  }

  /** Another file was chosen: its list starts empty (a run still going ends in the host on its own). */
  function reset(): void {
    cancelPoll()
    runId.value = null
    steps.value = []
    running.value = null
    phase.value = 'idle'
  }

  function cancelPoll(): void {
    if (timer) clearTimeout(timer)
    timer = null
  }
  onBeforeUnmount(cancelPoll)

  return { steps, running, phase, runId, start, stop, reset }
}
