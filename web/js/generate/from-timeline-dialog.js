// The small form Extend and Fill open: a prompt, a model (only those that fit), and the cost of
// the choice shown before anything runs. A <dialog> opened with showModal(); the answer arrives as
// a promise: {modelId, prompt}, or null when it was cancelled (Escape, Cancel).
import { h, clear } from '../shared/dom.js';
import { money } from '../shared/format.js';

let open = null;

// `note(model)`: the line under the model choice ({cost, text}).
// `promptLabel` names the text field (a voice-over's is the text to speak); `withPrompt: false`
// leaves it out (Upscale takes none).
export function askGeneration({ title, models, prompt = '', promptRequired = true, note, start = 'Start',
  promptLabel = 'Prompt', withPrompt = true }) {
  if (open) open.close('');
  return new Promise((resolve) => {
    const heading = h('h2', { id: 'from-timeline-title', text: title });
    const text = h('textarea', { rows: 3, 'aria-label': promptLabel, placeholder: promptRequired ? 'Describe what happens next' : 'Optional' });
    text.value = prompt;
    const pick = h('select', { 'aria-label': 'Model' },
      ...models.map((m) => h('option', { value: m.id, text: m.name })));
    const cost = h('p', { class: 'hint', dataset: { cost: '' }, 'aria-live': 'polite' });
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const go = h('button', { type: 'submit', class: 'primary', value: 'go', text: start });
    const describe = () => {
      const model = models.find((m) => m.id === pick.value);
      const { cost: dollars, text: words } = note(model);
      clear(cost);
      cost.append(`${money(dollars)}${words ? ` · ${words}` : ''}`);
    };
    pick.addEventListener('change', describe);
    const form = h('form', { method: 'dialog' }, heading,
      ...(withPrompt ? [h('label', { class: 'field' }, promptLabel, text)] : []), h('label', { class: 'field' }, 'Model', pick), cost, error,
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'ghost', value: '', text: 'Cancel' }), go));
    const dialog = h('dialog', { class: 'confirm-dialog from-timeline', 'aria-labelledby': heading.id }, form);
    form.addEventListener('submit', (e) => {
      if (e.submitter !== go) return;
      if (withPrompt && promptRequired && !text.value.trim()) {
        e.preventDefault();
        error.textContent = `Write the ${promptLabel.toLowerCase()} first.`;
        error.hidden = false;
        text.focus();
      }
    });
    dialog.addEventListener('close', () => {
      if (open === dialog) open = null;
      dialog.remove();
      resolve(dialog.returnValue === 'go' ? { modelId: pick.value, prompt: text.value.trim() } : null);
    });
    describe();
    document.body.append(dialog);
    open = dialog;
    dialog.showModal();
    if (withPrompt) text.focus(); else pick.focus();
  });
}
