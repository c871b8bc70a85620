// The timeline bar's Detach audio and Unlink buttons, and the mark on a linked clip. The
// buttons follow the `timeline` events the timeline gets (enabled only when the selection can
// take them) and send `detachaudio` and `unlink` up. Both are plain buttons: reachable with Tab
// and pressed with Enter, no shortcut of their own.
import { h, emit } from '../shared/dom.js';
import { canDetach, isLinked } from './link-model.js';

export function mountLinkTools(el) {
  const button = (text, action, title) => h('button', {
    type: 'button', class: 'ghost', text, title, disabled: true, onclick: () => emit(el, action),
  });
  const detach = button('Detach audio', 'detachaudio', 'Put the selected video clip\'s sound on an audio track, linked to it');
  const unlinkButton = button('Unlink', 'unlink', 'Let the selected clip and its linked clip move on their own');
  el.addEventListener('timeline', (e) => {
    const { doc, media, selected = [] } = e.detail;
    const mediaById = new Map(media.map((m) => [m.id, m]));
    detach.disabled = !(selected.length === 1 && canDetach(doc, selected[0], mediaById));
    unlinkButton.disabled = !selected.some((id) => isLinked(doc, id));
  });
  return [detach, unlinkButton];
}

// A linked clip shows a link glyph and says so to assistive technology.
export function markLink(node, clip) {
  if (typeof clip.link !== 'string') return;
  node.classList.add('linked');
  node.dataset.link = clip.link;
  node.prepend(h('span', { class: 'link-mark', text: '🔗', 'aria-hidden': 'true' }));
  node.setAttribute('aria-description', clip.audio_detached ? 'Linked to its detached audio' : 'Linked to its video');
}
