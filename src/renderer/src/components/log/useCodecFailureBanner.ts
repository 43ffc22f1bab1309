/**
 * A payload that does not decode through the chain the user pinned is said in the error banner (issue 15: a codec
 * error uses the same banner), once per setting. Rows decode as they are drawn, so the drawn rows are where a
 * failure is first known; the banner is set after the render, never during it.
 */
import { watch, type Ref } from 'vue'
import type { ConnectionTab } from '../../stores/connections'
import type { LogEntry } from '../../stores/messageLog'
import { codecFailure } from '../../lib/connectionFailure'
import { decodeSetup } from '../../lib/decodeSetup'
import { pinnedFailure } from './rowText'

const DIR_WORD = { in: 'Incoming', out: 'Outgoing' } as const

export function useCodecFailureBanner(tab: () => ConnectionTab, rows: Ref<Array<{ entry: LogEntry | undefined }>>): void {
  watch(rows, (drawn) => {
    const t = tab()
    if (t.readOnly) return
    for (const { entry } of drawn) {
      if (!entry || (entry.dir !== 'in' && entry.dir !== 'out')) continue
      const setup = decodeSetup(t.draft, entry.dir)
      const why = pinnedFailure(entry, setup)
      if (!why) continue
      const setting = `${entry.dir}|${setup.pinned}|${setup.schema?.id ?? ''}`
      codecFailure(
        t.failure,
        {
          type: 'error',
          id: t.connId ?? '',
          seq: entry.seq,
          ts: entry.ts,
          class: 'codec',
          code: 'DECODE_FAILED',
          message: `${DIR_WORD[entry.dir]} message #${entry.seq} does not decode as ${setup.pinned}: ${why}`,
          next: 'Check the Decoding settings: the chain or message type set for this direction may not be what is sent.'
        },
        setting
      )
      return
    }
  })
}
