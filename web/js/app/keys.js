// The editor's keyboard shortcuts, bound from the one table in shortcuts.js (the shortcut sheet is
// built from it too). Ignored while typing in a field. A slider or a checkbox is not typing: focus
// left on the zoom slider must not swallow Space and Home. An open dialog keeps its keys (Esc
// closes it). On a timeline clip focused by the keyboard its own rows come first (the arrows move the focus), and a
// row that acts on the selection makes that clip the selection first if it is not in it.
import { matchShortcut } from './shortcuts.js';

const CLIP = '.clip[data-clip-id]';
const ACTIVATES = 'button, a[href], summary, [role=button], [role=link], [role=menuitem], [role=tab]';
export const TYPING = 'input:not([type=range]):not([type=checkbox]):not([type=button]), textarea, select, [contenteditable], dialog';

export function bindKeys(target, { state, actions }) {
  target.addEventListener('keydown', (e) => {
    const typing = e.target.closest && e.target.closest(TYPING);
    if (typing || e.defaultPrevented) return;
    // a clip focused by the keyboard (one clicked keeps the arrows for the playhead, as before)
    const found = e.target.closest ? e.target.closest(CLIP) : null;
    const clip = found && (!found.matches || found.matches(':focus-visible')) ? found : null;
    const entry = matchShortcut(e, undefined, { onClip: Boolean(clip) });
    if (!entry || (!state.timeline && !entry.anytime)) return;
    // a row marked `offControls` (Enter) leaves a button or a link its own key: it presses it
    if (entry.offControls && !clip && e.target.closest && e.target.closest(ACTIVATES)) return;
    e.preventDefault();
    const clipId = clip ? clip.dataset.clipId : null;
    const detail = entry.onClip ? { ...entry.detail, ids: [clipId], clipId } : { ...entry.detail };
    (async () => {
      if (clipId && entry.onSelection && !(state.selected || []).includes(clipId)) actions.selectclips({ ids: [clipId] });
      return actions[entry.action](detail);
    })().catch((err) => actions.toast({ message: err.message || String(err), kind: 'error' }));
  });
}
