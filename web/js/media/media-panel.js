// The project's media library: import (picker or drag-and-drop), list with thumbnails, drag
// items onto the timeline. An item whose file is missing, or whose preview copy failed, says so
// in its row (a failed preview copy with Retry: `retryproxy` up).
import { h, emit } from '../shared/dom.js';
import { duration, resolution } from '../shared/format.js';
import { dragRefusal, itemStatus } from './library-model.js';

export const MEDIA_MIME = 'application/x-reelcut-media';

export function mountMedia(el) {
  let items = [];
  let enabled = false;
  let desktop = false; // the desktop window imports through its native dialog
  const input = h('input', {
    type: 'file', multiple: true, accept: 'video/*,image/*,audio/*', hidden: true,
    onchange: () => {
      if (input.files.length) emit(el, 'importfiles', { files: [...input.files] });
      input.value = '';
    },
  });
  const importButton = h('button', {
    type: 'button', text: 'Import', onclick: () => (desktop ? emit(el, 'importnative') : input.click()),
  });
  const list = h('ul', { class: 'media-list', 'aria-label': 'Media' });
  const hint = h('p', { class: 'hint', text: 'Drop video, image or audio files here, or generate a clip.' });
  el.append(h('div', { class: 'panel-head' }, h('h2', { text: 'Media' }), importButton, input), list, hint);

  el.addEventListener('dragover', (e) => {
    if (enabled && e.dataTransfer.types.includes('Files')) {
      e.preventDefault();
      el.classList.add('dropping');
    }
  });
  el.addEventListener('dragleave', () => el.classList.remove('dropping'));
  el.addEventListener('drop', (e) => {
    el.classList.remove('dropping');
    if (!enabled || !e.dataTransfer.files.length) return;
    e.preventDefault();
    emit(el, 'importfiles', { files: [...e.dataTransfer.files] });
  });

  function row(item) {
    const status = itemStatus(item);
    const problemId = `media-problem-${item.id}`;
    const problem = status.problem ? h('span', { class: 'problem', id: problemId, role: 'note', text: status.problem }) : null;
    const retry = status.retry ? h('button', {
      type: 'button', class: 'retry', text: 'Retry', 'aria-label': `Retry the preview copy of ${item.name}`,
      onclick: () => emit(el, 'retryproxy', { id: item.id }), // a second click asks again, harmlessly
    }) : null;
    const li = h('li', {
      class: `media-item ${item.kind}${item.missing ? ' missing' : ''}${status.retry ? ' failed' : ''}`,
      draggable: 'true', dataset: { mediaId: item.id }, 'aria-describedby': problem ? problemId : null,
    },
      item.thumbnail_url
        ? h('img', { src: item.thumbnail_url, alt: '', loading: 'lazy', draggable: 'false' })
        : h('div', { class: 'thumb-placeholder', text: item.kind === 'audio' ? '♪' : '' }),
      h('div', { class: 'meta' },
        h('span', { class: 'name', text: item.name, title: item.name }),
        h('span', { class: 'details', text: [duration(item.duration), resolution(item), status.note].filter(Boolean).join(' · ') }),
        problem, retry),
      desktop ? h('button', {
        type: 'button', class: 'icon ghost', 'aria-label': `Reveal ${item.name} in the file manager`, text: '⤴',
        onclick: () => emit(el, 'revealmedia', { id: item.id }),
      }) : null,
      // the keyboard's way to do what a drag does: on the first track of its kind, at the playhead
      h('button', {
        type: 'button', class: 'icon ghost', 'aria-label': `Add ${item.name} to the timeline`, title: 'Add to the timeline', text: '+',
        onclick: () => emit(el, 'addtotimeline', { mediaId: item.id }),
      }),
      h('button', {
        type: 'button', class: 'icon ghost', 'aria-label': `Delete ${item.name} from the library`, text: '✕',
        onclick: () => emit(el, 'deletemedia', { id: item.id, name: item.name }), // asked in the page's dialog
      }));
    li.addEventListener('dragstart', (e) => {
      const refusal = dragRefusal(item);
      if (refusal) {
        // its file is missing: nothing to lay on the timeline, and the user is told why
        e.preventDefault();
        emit(el, 'toast', { message: refusal, kind: 'warn' });
        return;
      }
      e.dataTransfer.setData(MEDIA_MIME, item.id);
      e.dataTransfer.effectAllowed = 'copy';
    });
    return li;
  }

  // Rows are kept per item and rebuilt only when what they show changed: media events arrive
  // during generations and proxy encodes, and a rebuilt row would end a drag that started on it.
  const rows = new Map(); // media id -> {li, key}
  function update() {
    const keep = new Set(items.map((i) => i.id));
    for (const [id, r] of rows) if (!keep.has(id)) { r.li.remove(); rows.delete(id); }
    items.forEach((item, i) => {
      const key = JSON.stringify([item.name, item.thumbnail_url, item.duration, item.width, item.height, itemStatus(item), desktop]);
      let r = rows.get(item.id);
      if (!r || r.key !== key) {
        const li = row(item);
        if (r) r.li.replaceWith(li);
        r = { li, key };
        rows.set(item.id, r);
      }
      if (list.children[i] !== r.li) list.insertBefore(r.li, list.children[i] || null);
    });
    hint.hidden = items.length > 0;
    importButton.disabled = !enabled;
  }

  el.addEventListener('mode', (e) => { desktop = e.detail.desktop; update(); });
  // a finished generation's card was clicked: its item is scrolled to, marked and focused
  el.addEventListener('reveal', (e) => {
    const r = rows.get(e.detail.id);
    if (!r) return;
    for (const other of rows.values()) { other.li.classList.remove('revealed'); other.li.removeAttribute('aria-current'); }
    r.li.classList.add('revealed');
    r.li.setAttribute('aria-current', 'true');
    if (!r.li.hasAttribute('tabindex')) r.li.tabIndex = -1;
    r.li.scrollIntoView({ block: 'nearest' });
    r.li.focus({ preventScroll: true });
  });
  el.addEventListener('media', (e) => {
    items = e.detail.items;
    enabled = e.detail.enabled;
    update();
  });
  update();
}
