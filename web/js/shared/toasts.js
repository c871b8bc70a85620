// Messages for the user: errors, fallbacks, completions. Listens for `toast` events. A toast may
// offer buttons (`actions`: [{label, event, detail}]); each sends its verb event up, as a part's
// control does, and the toast goes.
import { h, emit } from './dom.js';

export function mountToasts(el) {
  function show({ message, kind = 'info', actions = [] }) {
    const toast = h('div', { class: `toast ${kind}` }, h('span', { class: 'toast-text', text: message }));
    if (actions.length) {
      toast.append(h('span', { class: 'toast-actions' }, actions.map((a) => h('button', {
        type: 'button', class: 'ghost', text: a.label, 'aria-label': a.name || a.label,
        onclick: () => { toast.remove(); emit(el, a.event, a.detail || {}); },
      }))));
    }
    el.append(toast);
    setTimeout(() => toast.remove(), actions.length ? 15000 : kind === 'error' ? 9000 : 5000);
  }
  el.addEventListener('toast', (e) => show(e.detail));
  return { show };
}
