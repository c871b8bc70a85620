// The editor's keyboard shortcuts, bound from the one table in shortcuts.js (the shortcut sheet is
// built from it too). Ignored while typing in a field. A slider or a checkbox is not typing: focus
// left on the zoom slider must not swallow Space and Home. An open dialog keeps its keys (Esc
// closes it).
import { matchShortcut } from './shortcuts.js';

const TYPING = 'input:not([type=range]):not([type=checkbox]):not([type=button]), textarea, select, [contenteditable], dialog';

export function bindKeys(target, { state, actions }) {
  target.addEventListener('keydown', (e) => {
    const typing = e.target.closest && e.target.closest(TYPING);
    if (typing || e.defaultPrevented) return;
    const entry = matchShortcut(e);
    if (!entry || (!state.timeline && !entry.anytime)) return;
    e.preventDefault();
    (async () => actions[entry.action]({ ...entry.detail }))().catch((err) => actions.toast({ message: err.message || String(err), kind: 'error' }));
  });
}
