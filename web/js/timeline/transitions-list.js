// The seven transitions, named as people read them. Drag one onto a cut on the timeline, or press
// it to put it at the start of the selected clip (`applytransition` up).
import { h, emit } from '../shared/dom.js';
import { TRANSITIONS, TRANSITION_LABELS } from './transitions-model.js';
import { TRANSITION_MIME } from './timeline-view.js';

export function mountTransitions(el) {
  const list = h('ul', { class: 'transition-list', 'aria-label': 'Transitions' },
    TRANSITIONS.map((type) => h('li', {},
      h('button', {
        type: 'button', class: 'ghost', draggable: 'true', text: TRANSITION_LABELS[type], dataset: { transition: type },
        title: 'Drag onto a cut, or press to put it at the start of the selected clip',
        onclick: () => emit(el, 'applytransition', { type }),
        ondragstart: (e) => {
          e.dataTransfer.setData(TRANSITION_MIME, type);
          e.dataTransfer.effectAllowed = 'copy';
        },
      }))));
  el.append(h('div', { class: 'panel-head' }, h('h2', { text: 'Transitions' })), list);
}
