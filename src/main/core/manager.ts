/** Opens, tracks and closes many connections; every event goes to one sink. */
import { randomUUID } from 'node:crypto'
import type { ConnectionInfo, SockEvent } from '../../shared/events'
import type { OutgoingMessage } from '../../shared/options'
import { closeRequestSchema, parseOrThrow, validateConnectionOptions, validateOutgoing, ValidationError } from '../../shared/schema'
import { Connection } from './connection'
import type { Classified } from './classify'

export type EventSink = (e: SockEvent) => void

export class UnknownConnectionError extends Error {
  readonly code = 'UNKNOWN_CONNECTION'
}

export class ConnectionManager {
  private readonly connections = new Map<string, Connection>()

  constructor(
    private readonly sink: EventSink,
    private readonly random: () => number = Math.random
  ) {}

  /**
   * Validates the options (throwing a ValidationError that names the field) and starts connecting, under the
   * id the caller chose (so it can route the first events before this returns) or a new one.
   */
  open(rawOptions: unknown, beforeStart?: (id: string) => void, chosenId?: string): { id: string } {
    const options = validateConnectionOptions(rawOptions)
    if (chosenId !== undefined && this.connections.has(chosenId)) {
      throw new ValidationError('This connection id is already in use; open the connection with a new one.', 'id')
    }
    const id = chosenId ?? randomUUID()
    const conn = new Connection(id, options, this.sink, this.random)
    this.connections.set(id, conn)
    beforeStart?.(id)
    conn.start()
    return { id }
  }

  private get(id: string): Connection {
    const c = this.connections.get(id)
    if (!c) throw new UnknownConnectionError(`No connection with id ${id}; it may have been removed.`)
    return c
  }

  send(id: string, message: OutgoingMessage | unknown): Promise<void> {
    const msg = validateOutgoing(message)
    return this.get(id).sendByUser(msg)
  }

  ping(id: string, payload: Uint8Array = new Uint8Array()): void {
    this.get(id).sendControl('ping', payload)
  }

  pong(id: string, payload: Uint8Array = new Uint8Array()): void {
    this.get(id).sendControl('pong', payload)
  }

  close(id: string, code?: number, reason?: string): void {
    const req = parseOrThrow(closeRequestSchema, { code, reason }, 'close')
    this.get(id).close(req.code ?? 1000, req.reason ?? '')
  }

  /** Flow control: stop or resume reading from this connection's socket. */
  setFlowPaused(id: string, on: boolean): void {
    this.connections.get(id)?.setFlowPaused(on)
  }

  terminate(id: string): void {
    this.get(id).terminate()
  }

  cancelReconnect(id: string): boolean {
    return this.get(id).cancelReconnect()
  }

  reconnectNow(id: string): boolean {
    return this.get(id).reconnectNow()
  }

  /** Closes (if needed) and forgets a connection. */
  remove(id: string): void {
    const c = this.connections.get(id)
    if (!c) return
    c.terminate()
    this.connections.delete(id)
  }

  list(): ConnectionInfo[] {
    return [...this.connections.values()].map((c) => c.info())
  }

  /** The timers still pending for a connection (tests check none is left once it is closed). */
  pendingTimers(id: string): string[] {
    return this.connections.get(id)?.pendingTimers() ?? []
  }

  /** Shows an error that belongs to a connection but not to its socket (its recording failed). */
  report(id: string, c: Classified): void {
    this.connections.get(id)?.report(c)
  }

  /** Reports an error found outside the connection's own callbacks (the process-level handler) and ends it. */
  internalError(id: string, err: unknown, where: string): boolean {
    const c = this.connections.get(id)
    if (!c) return false
    c.internalError(err, where)
    return true
  }

  has(id: string): boolean {
    return this.connections.has(id)
  }

  dispose(): void {
    for (const id of [...this.connections.keys()]) this.remove(id)
  }
}
