// The shortcut sheet: a dialog listing every keyboard shortcut, grouped, built from the same
// table that binds the keys (shortcuts.js), so it cannot drift from them. Esc closes it (the
// dialog's own behaviour), as does its Close button.
import { h } from '../shared/dom.js';
import { sheetGroups } from './shortcuts.js';

export function mountShortcutSheet(host) {
  const mac = /Mac|iPhone|iPad/.test(globalThis.navigator ? navigator.platform || navigator.userAgent : '');
  const close = h('button', { type: 'button', class: 'ghost', text: 'Close', onclick: () => dialog.close() });
  const dialog = h('dialog', { class: 'shortcut-sheet', 'aria-labelledby': 'shortcut-sheet-title' },
    h('h2', { id: 'shortcut-sheet-title', text: 'Keyboard shortcuts' }),
    h('div', { class: 'shortcut-groups' }, sheetGroups(undefined, { mac }).map(({ group, rows }) => h('section', { 'aria-label': group },
      h('h3', { text: group }),
      h('dl', {}, rows.flatMap(({ keys, description }) => [
        h('dt', {}, keys.flatMap((k, i) => [i ? ' or ' : '', h('kbd', { text: k })])),
        h('dd', { text: description }),
      ]))))),
    h('div', { class: 'actions' }, close));
  host.append(dialog);
  return {
    open() { if (!dialog.open) dialog.showModal(); close.focus(); },
    close() { dialog.close(); },
  };
}
