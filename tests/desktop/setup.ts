/** The desktop project's setup: the built main bundle's `electron` import gets the harness. */
import { vi } from 'vitest'

vi.mock('electron', () => import('./electron/index'))
