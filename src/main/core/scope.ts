/**
 * Which connection a piece of main-process work belongs to. Each connection runs its attempts inside this
 * scope, so its timers and socket callbacks carry it (Node's AsyncLocalStorage follows them), and the last-line
 * `uncaughtException` handler can tell the one affected window instead of all of them.
 */
import { AsyncLocalStorage } from 'node:async_hooks'

export const connectionScope = new AsyncLocalStorage<{ connectionId: string }>()

export function currentConnectionId(): string | undefined {
  return connectionScope.getStore()?.connectionId
}
