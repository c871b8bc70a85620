// Settings: remote preview, preview proxies and the fal.ai key. The key goes to the server (OS keyring) and is
// never shown again.
import { h, emit, clear } from '../shared/dom.js';
import { server } from '../app/api.js';

export function mountSettings(dialog) {
  const remote = h('input', { type: 'checkbox', id: 'set-remote', 'aria-describedby': 'set-remote-hint' });
  const proxies = h('input', { type: 'checkbox', id: 'set-proxies', 'aria-describedby': 'set-proxies-hint' });
  const key = h('input', { type: 'password', id: 'set-key', autocomplete: 'off', 'aria-label': 'fal.ai API key', placeholder: 'key_id:key_secret' });
  const status = h('p', { class: 'hint' });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const form = h('form', {
    method: 'dialog',
    onsubmit: async (e) => {
      e.preventDefault();
      const body = { remote_preview: remote.checked, preview_proxies: proxies.checked };
      if (key.value.trim()) body.fal_key = key.value.trim();
      try {
        const saved = await server.settings.save(body);
        render(saved);
        key.value = '';
        dialog.close();
        emit(dialog, 'settingschanged', saved);
        emit(dialog, 'toast', { message: 'Settings saved.' });
      } catch (err) {
        error.textContent = err.message;
      }
    },
  },
  h('h2', { text: 'Settings' }),
  h('p', {}, h('label', { for: 'set-remote' }, remote, ' Allow remote preview'),
    h('span', { id: 'set-remote-hint', class: 'hint block', text: 'Play from the provider’s URL when the local copy cannot be played.' })),
  h('p', {}, h('label', { for: 'set-proxies' }, proxies, ' Preview proxies'),
    h('span', { id: 'set-proxies-hint', class: 'hint block', text: 'Preview a light 540p copy of clips that are slow to seek (HD video with keyframes far apart), made in the background. Export always uses the originals.' })),
  h('p', {}, h('label', { for: 'set-key', text: 'fal.ai API key' }), key),
  status, error,
  h('div', { class: 'actions' },
    h('button', {
      type: 'button', class: 'ghost', text: 'Remove key',
      onclick: async () => {
        const saved = await server.settings.save({ fal_key: null });
        render(saved);
        emit(dialog, 'settingschanged', saved);
      },
    }),
    h('button', { type: 'button', class: 'ghost', text: 'Close', onclick: () => dialog.close() }),
    h('button', { type: 'submit', class: 'primary', text: 'Save' })));
  clear(dialog);
  dialog.append(form);

  function render(settings) {
    remote.checked = settings.remote_preview;
    proxies.checked = settings.preview_proxies;
    error.textContent = '';
    status.textContent = settings.fal_key_set
      ? `A fal.ai key is set (from ${settings.fal_key_source === 'env' ? 'FAL_KEY' : settings.fal_key_source}).`
      : 'No fal.ai key: only the offline models can generate.';
  }

  return {
    // {focus: 'fal_key'}: opened at the key field (from a paid model that needs one)
    async open({ focus } = {}) {
      try {
        render(await server.settings.get());
      } catch (err) {
        error.textContent = err.message;
      }
      if (!dialog.open) dialog.showModal();
      if (focus === 'fal_key') key.focus();
    },
  };
}
