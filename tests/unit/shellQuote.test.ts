/** Shell quoting for "Copy as command": any value comes back unchanged through a real POSIX shell (fast-check). */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { execFileSync } from 'node:child_process'
import { shellQuote } from '../../src/shared/shellQuote'

describe('shellQuote', () => {
  it('gives any value back unchanged through sh', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 20 }).filter((s) => !s.includes('\0')),
        (s) => {
          expect(execFileSync('sh', ['-c', `printf %s ${shellQuote(s)}`]).toString()).toBe(s)
        }
      ),
      { numRuns: 60 }
    )
  })
})
