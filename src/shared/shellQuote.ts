/** POSIX shell quoting for a command line a user pastes: single quotes, a quote inside written as '\'' (sh(1), "Quoting"). */
export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`
}
