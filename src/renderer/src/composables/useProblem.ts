/** A dialog's problem line: runs an action, keeps its error's message to show, clears it once an action succeeds. */
import { ref } from 'vue'

export function useProblem() {
  const problem = ref<string | null>(null)

  /** True when `run` succeeded; false when it threw, with the message in `problem`. */
  async function attempt(run: () => Promise<unknown>): Promise<boolean> {
    try {
      await run()
      problem.value = null
      return true
    } catch (e) {
      problem.value = (e as Error).message
      return false
    }
  }

  return { problem, attempt }
}
