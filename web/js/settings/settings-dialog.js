// Settings: remote preview, preview proxies, smart render, the fal.ai key and the open project's spending cap. The key
// goes to the server (OS keyring) and is never shown again.
import { h, emit, clear } from '../shared/dom.js';
import { server } from '../app/api.js';
import { dollars, parseSpendingCap } from './settings-model.js';

// The shape of a fal.ai key, checked here before it is sent (the server checks it again).
export function keyShapeProblem(value) {
  const key = value.trim();
  if (!key) return '';
  if (!key.includes(':')) return 'A fal.ai key has two parts, key_id:key_secret, joined by a colon.';
  if (!/^[A-Za-z0-9._-]+:[A-Za-z0-9._-]+$/.test(key)) {
    return 'A fal.ai key is key_id:key_secret: letters, digits, dots, dashes or underscores on each side of one colon.';
  }
  return '';
}

// `project()`: the open project, or null (the cap is the open project's: hidden with none open)
export function mountSettings(dialog, { project = () => null } = {}) {
  const remote = h('input', { type: 'checkbox', id: 'set-remote', 'aria-describedby': 'set-remote-hint' });
  const proxies = h('input', { type: 'checkbox', id: 'set-proxies', 'aria-describedby': 'set-proxies-hint' });
  const smart = h('input', { type: 'checkbox', id: 'set-smart', 'aria-describedby': 'set-smart-hint' });
  const keyError = h('span', { class: 'field-error', id: 'set-key-error', role: 'alert' });
  const keyResult = h('span', { class: 'hint', id: 'set-key-result', role: 'status' });
  const key = h('input', {
    type: 'password', id: 'set-key', autocomplete: 'off', 'aria-label': 'fal.ai API key', placeholder: 'key_id:key_secret',
    'aria-describedby': 'set-key-error set-key-result',
    oninput: () => { keyError.textContent = ''; keyResult.textContent = ''; key.removeAttribute('aria-invalid'); },
    onchange: () => checkShape(),
  });
  function checkShape() {
    const problem = keyShapeProblem(key.value);
    keyError.textContent = problem;
    if (problem) key.setAttribute('aria-invalid', 'true'); else key.removeAttribute('aria-invalid');
    return !problem;
  }
  let keyStored = false;
  const removeKey = h('button', {
    type: 'button', class: 'ghost', text: 'Remove key',
    onclick: async () => {
      try {
        const saved = await server.settings.save({ fal_key: null });
        render(saved);
        emit(dialog, 'settingschanged', saved); // the generate panel marks the paid models again
        emit(dialog, 'toast', { message: 'The fal.ai key is removed.' });
      } catch (err) {
        error.textContent = err.message;
      }
    },
  });
  const testKey = h('button', {
    type: 'button', class: 'ghost', text: 'Test key',
    onclick: async () => {
      if (!checkShape()) { key.focus(); return; }
      testKey.disabled = true;
      testKey.setAttribute('aria-busy', 'true');
      keyResult.textContent = 'Asking fal.ai…';
      try {
        const { accepted } = await server.settings.testKey(key.value.trim() || null);
        keyResult.textContent = accepted ? 'fal.ai accepted the key.' : 'fal.ai refused the key.';
        keyResult.dataset.result = accepted ? 'accepted' : 'refused';
      } catch (err) {
        keyResult.textContent = '';
        if (err.field === 'fal_key') keyError.textContent = err.message; else error.textContent = err.message;
      } finally {
        testKey.disabled = false;
        testKey.removeAttribute('aria-busy');
      }
    },
  });
  const logsResult = h('span', { class: 'hint block', id: 'set-logs-result', role: 'status' });
  // the log file is what a bug report needs; in a browser there is no window to show the folder,
  // and the server's refusal names it instead
  const openLogs = h('button', {
    type: 'button', class: 'ghost', text: 'Open logs folder', 'aria-describedby': 'set-logs-result',
    onclick: async () => {
      try {
        const { path } = await server.desktop.openLogs();
        logsResult.textContent = `Shown in the file manager: ${path}`;
      } catch (err) {
        logsResult.textContent = err.message;
      }
    },
  });
  const capError = h('span', { class: 'field-error block', id: 'set-cap-error', role: 'alert' });
  const capSpent = h('span', { class: 'hint block', id: 'set-cap-spent' });
  const cap = h('input', {
    type: 'text', inputmode: 'decimal', id: 'set-cap', autocomplete: 'off', placeholder: 'No cap',
    'aria-describedby': 'set-cap-spent set-cap-error',
    oninput: () => { capError.textContent = ''; cap.removeAttribute('aria-invalid'); },
  });
  const capRow = h('p', {}, h('label', { for: 'set-cap', text: 'Spending cap for this project ($)' }), cap, capSpent, capError);
  let capProject = null; // the project whose cap the field shows, and the cap it had
  function renderCap(p) {
    capProject = p;
    capRow.hidden = !p;
    if (!p) return;
    cap.value = p.spending_cap == null ? '' : String(p.spending_cap);
    capSpent.textContent = `Spent so far on “${p.name}”: ${dollars(p.spent)}. A generation that would take it past the cap is refused.`;
    capError.textContent = '';
    cap.removeAttribute('aria-invalid');
  }
  renderCap(null);
  function capFails(message) {
    capError.textContent = message;
    cap.setAttribute('aria-invalid', 'true');
    cap.focus();
  }
  const status = h('p', { class: 'hint' });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const form = h('form', {
    method: 'dialog',
    onsubmit: async (e) => {
      e.preventDefault();
      const body = { remote_preview: remote.checked, preview_proxies: proxies.checked, smart_render: smart.checked };
      if (!checkShape()) { key.focus(); return; }
      if (key.value.trim()) body.fal_key = key.value.trim();
      const wanted = capProject ? parseSpendingCap(cap.value) : { cap: null };
      if (wanted.problem) { capFails(wanted.problem); return; }
      try {
        if (capProject && wanted.cap !== capProject.spending_cap) {
          try {
            renderCap((await server.projects.setSpendingCap(capProject.id, wanted.cap)).project);
          } catch (err) {
            if (err.field === 'spending_cap') { capFails(err.message); return; }
            throw err;
          }
        }
        const saved = await server.settings.save(body);
        render(saved);
        key.value = '';
        dialog.close();
        emit(dialog, 'settingschanged', saved);
        emit(dialog, 'toast', { message: 'Settings saved.' });
      } catch (err) {
        if (err.field === 'fal_key') { keyError.textContent = err.message; key.setAttribute('aria-invalid', 'true'); } else error.textContent = err.message;
      }
    },
  },
  h('h2', { text: 'Settings' }),
  h('p', {}, h('label', { for: 'set-remote' }, remote, ' Allow remote preview'),
    h('span', { id: 'set-remote-hint', class: 'hint block', text: 'Play from the provider’s URL when the local copy cannot be played.' })),
  h('p', {}, h('label', { for: 'set-proxies' }, proxies, ' Preview proxies'),
    h('span', { id: 'set-proxies-hint', class: 'hint block', text: 'Preview a light 540p copy of clips that are slow to seek (HD video with keyframes far apart), made in the background. Export always uses the originals.' })),
  h('p', {}, h('label', { for: 'set-smart' }, smart, ' Smart render'),
    h('span', { id: 'set-smart-hint', class: 'hint block', text: 'Export by copying the sources where a stretch of the timeline is a plain cut of a clip already in the export’s format: faster, and no second encode. Off re-encodes everything.' })),
  h('p', {}, h('label', { for: 'set-key', text: 'fal.ai API key' }), key, testKey,
    h('span', { class: 'block' }, keyError), h('span', { class: 'block' }, keyResult)),
  capRow,
  h('p', {}, openLogs, logsResult),
  status, error,
  h('div', { class: 'actions' },
    removeKey,
    h('button', { type: 'button', class: 'ghost', text: 'Close', onclick: () => dialog.close() }),
    h('button', { type: 'submit', class: 'primary', text: 'Save' })));
  clear(dialog);
  dialog.append(form);

  function render(settings) {
    remote.checked = settings.remote_preview;
    proxies.checked = settings.preview_proxies;
    smart.checked = settings.smart_render;
    error.textContent = '';
    keyError.textContent = '';
    keyResult.textContent = '';
    logsResult.textContent = '';
    // a key from FAL_KEY is not ours to remove
    keyStored = settings.fal_key_set && settings.fal_key_source !== 'env';
    removeKey.disabled = !keyStored;
    removeKey.title = keyStored ? '' : settings.fal_key_set ? 'The key comes from FAL_KEY: unset it there.' : 'No key is stored.';
    status.textContent = settings.fal_key_set
      ? `A fal.ai key is set (from ${settings.fal_key_source === 'env' ? 'FAL_KEY' : settings.fal_key_source}).`
      : 'No fal.ai key: only the offline models can generate.';
  }

  return {
    // {focus: 'fal_key'}: opened at the key field (from a paid model that needs one)
    async open({ focus } = {}) {
      try {
        render(await server.settings.get());
        const open = project();
        renderCap(open ? (await server.projects.get(open.id)).project : null);
      } catch (err) {
        error.textContent = err.message;
      }
      if (!dialog.open) dialog.showModal();
      if (focus === 'fal_key') key.focus();
    },
  };
}
