/** Issue 15: a masked query value showed as percent-encoded bullets (token=%E2%80%A2%E2%80%A2…). */
import { describe, expect, it } from 'vitest'
import { redactUrl } from '../../src/main/core/buildRequest'
import { SECRET_MASK } from '../../src/shared/secrets'

describe('the URL shown with its secrets masked', () => {
  it('shows the mask as bullets, for a secret query value and for a password', () => {
    const shown = redactUrl('wss://user:hunter2@127.0.0.1:9/feed?token=s3cret&room=a%20b', new Set(['token']))
    expect(shown).toBe(`wss://user:${SECRET_MASK}@127.0.0.1:9/feed?token=${SECRET_MASK}&room=a+b`)
    expect(shown).not.toContain('s3cret')
    expect(shown).not.toContain('hunter2')
    expect(shown).not.toContain('%E2%80%A2')
  })

  it('leaves a URL without secrets as the URL serializer writes it', () => {
    expect(redactUrl('ws://127.0.0.1:9/a?q=%C3%A9', new Set())).toBe('ws://127.0.0.1:9/a?q=%C3%A9')
  })
})
