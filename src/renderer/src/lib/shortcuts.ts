/** The keyboard shortcuts, listed once for the help overlay and the key handler (the README repeats them). */
export interface Shortcut {
  keys: string
  what: string
  command: string
}

export const SHORTCUTS: Shortcut[] = [
  { keys: 'Ctrl/Cmd+Enter', what: 'Send the composed message', command: 'send' },
  { keys: 'Ctrl/Cmd+Shift+C', what: 'Connect / disconnect', command: 'toggle-connection' },
  { keys: 'Ctrl/Cmd+T', what: 'New connection tab', command: 'new-connection' },
  { keys: 'Ctrl/Cmd+W', what: 'Close the connection tab', command: 'close-tab' },
  // Handled by the desktop menu (a window is its own session); browsers keep this key for themselves.
  { keys: 'Ctrl/Cmd+Shift+N', what: 'New window (desktop app)', command: '' },
  { keys: 'Ctrl/Cmd+F', what: 'Focus the message filter', command: 'focus-filter' },
  { keys: 'Ctrl/Cmd+K', what: 'Clear the log', command: 'clear-log' },
  { keys: 'Ctrl/Cmd+L', what: 'Focus the URL', command: 'focus-url' },
  { keys: 'Ctrl/Cmd+,', what: 'Open / fold the connection settings', command: 'toggle-settings' },
  { keys: 'Ctrl/Cmd+P', what: 'Pause / resume the view', command: 'pause' },
  { keys: 'F1 or ?', what: 'Show this help', command: 'help' },
  { keys: '↑ / ↓ in the log', what: 'Select the previous / next message (Shift adds a second)', command: '' },
  { keys: 'PageUp / PageDown in the log', what: 'Move the selection a page up / down', command: '' },
  { keys: 'Home / End in the log', what: 'Select the first / last message', command: '' },
  { keys: 'Enter in the log', what: "Open the selected message's detail", command: '' },
  { keys: '↑ / ↓ in the composer', what: 'Previous / next message from history', command: '' },
  { keys: '↑ / ↓ in the connection tabs', what: 'Show the previous / next connection', command: '' },
  { keys: '↑ ↓ ← → in the JSON tree', what: 'Move; collapse / expand a node (Enter or Space toggles it)', command: '' },
  { keys: 'Arrows on a splitter', what: 'Resize the detail pane or the composer (Home / End: smallest / largest)', command: '' },
  { keys: 'Esc', what: 'Close a dialog or an open panel; focus goes back where it was', command: '' }
]

/** Maps a key event to a command name, or null. */
export function commandFor(e: KeyboardEvent): string | null {
  const mod = e.ctrlKey || e.metaKey
  const k = e.key.toLowerCase()
  if (e.key === 'F1') return 'help'
  if (!mod) return null
  if (e.shiftKey && k === 'c') return 'toggle-connection'
  if (e.shiftKey) return null
  return (
    (
      {
        t: 'new-connection',
        w: 'close-tab',
        f: 'focus-filter',
        k: 'clear-log',
        l: 'focus-url',
        p: 'pause',
        ',': 'toggle-settings'
      } as Record<string, string>
    )[k] ?? null
  )
}
