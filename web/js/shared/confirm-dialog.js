// The page's own confirmation, in place of window.confirm: a <dialog> opened with showModal().
// Unlike window.confirm it blocks nothing: the page's scripts, timers and events keep running
// while it is open, and the answer arrives as a promise (true: confirmed; false: cancelled,
// Escape, or another question asked before this one was answered).
import { h } from './dom.js';

let open = null; // the dialog waiting for an answer
let asked = 0;

export function askConfirm({ message, confirm = 'OK', cancel = 'Cancel' }) {
  if (open) open.close('');
  return new Promise((resolve) => {
    const text = h('p', { class: 'confirm-message', id: `confirm-message-${++asked}`, text: message });
    const yes = h('button', { type: 'submit', class: 'primary danger', value: 'yes', text: confirm });
    const dialog = h('dialog', { class: 'confirm-dialog', 'aria-labelledby': text.id },
      h('form', { method: 'dialog' }, text,
        h('div', { class: 'actions' },
          h('button', { type: 'submit', class: 'ghost', value: '', text: cancel }), yes)));
    dialog.addEventListener('close', () => {
      if (open === dialog) open = null;
      dialog.remove();
      resolve(dialog.returnValue === 'yes');
    });
    document.body.append(dialog);
    open = dialog;
    dialog.showModal();
    yes.focus();
  });
}
