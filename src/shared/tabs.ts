/**
 * A window's tabs as the page last had them, kept by the host in memory for that window's session (never on
 * disk: drafts may hold secrets), so a reload, desktop or browser, brings every tab back as it was.
 */
import * as v from 'valibot'

/** A sent message in the composer's history, with the kind it was sent as. */
export interface HistoryEntry {
  mode: 'text' | 'json' | 'binary'
  text: string
  binaryEncoding?: 'hex' | 'base64'
  /** JSON sent through a codec chain (`gzip → msgpack`); absent for JSON text. */
  encodeAs?: string
}

export interface SavedComposer {
  mode: 'text' | 'json' | 'binary' | 'file'
  text: string
  binaryEncoding: 'hex' | 'base64'
  history: HistoryEntry[]
  saved: Array<{ name: string; mode: 'text' | 'json' | 'binary' | 'file'; text: string; encodeAs?: string }>
  encodeAs?: string
}

export interface SavedTab {
  /** The connection the tab shows, if any. */
  connId: string | null
  /** The settings form (the renderer's Draft), merged over defaults on restore. */
  draft: Record<string, unknown>
  composer: SavedComposer
  profileId: string | null
  title: string | null
  /** A read-only tab shows a recording; it is read again on restore. */
  recordingId: string | null
  active: boolean
}

const mode = v.picklist(['text', 'json', 'binary', 'file'])
const MAX_BYTES = 8 * 1024 * 1024
const encodeAs = v.pipe(v.string(), v.maxLength(100))

export const savedTabsSchema = v.pipe(
  v.array(
    v.object({
      connId: v.nullable(v.pipe(v.string(), v.maxLength(100))),
      draft: v.record(v.string(), v.unknown()),
      composer: v.object({
        mode,
        text: v.string(),
        binaryEncoding: v.picklist(['hex', 'base64']),
        history: v.pipe(
          v.array(
            v.object({
              mode: v.picklist(['text', 'json', 'binary']),
              text: v.string(),
              binaryEncoding: v.optional(v.picklist(['hex', 'base64'])),
              encodeAs: v.optional(encodeAs)
            })
          ),
          v.maxLength(200)
        ),
        saved: v.array(v.object({ name: v.string(), mode, text: v.string(), encodeAs: v.optional(encodeAs) })),
        encodeAs: v.optional(encodeAs)
      }),
      profileId: v.nullable(v.string()),
      title: v.nullable(v.string()),
      recordingId: v.nullable(v.pipe(v.string(), v.regex(/^[\w.-]+\.(sockrec|ndjson)$/))),
      active: v.boolean()
    })
  ),
  v.maxLength(200, 'at most 200 tabs'),
  v.check((tabs) => JSON.stringify(tabs).length <= MAX_BYTES, 'the tabs are too large to keep (8 MiB)')
)
