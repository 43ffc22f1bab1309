/**
 * A request to select rows in a tab's log from elsewhere (a scenario step's "Show rows"): App.vue, which owns the
 * selection, selects the rows with these `seq`s (the last row when none is given) once the tab is shown, then clears it.
 */
import { ref } from 'vue'

export const rowReveal = ref<{ key: string; seqs: number[] } | null>(null)
