// Messages for the user: errors, fallbacks, completions. Listens for `toast` events.
import { h } from './dom.js';

export function mountToasts(el) {
  function show({ message, kind = 'info' }) {
    const toast = h('div', { class: `toast ${kind}`, text: message });
    el.append(toast);
    setTimeout(() => toast.remove(), kind === 'error' ? 9000 : 5000);
  }
  el.addEventListener('toast', (e) => show(e.detail));
  return { show };
}
