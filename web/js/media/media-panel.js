// The project's media library: import (picker or drag-and-drop), list with thumbnails, drag
// items onto the timeline. An item whose file is missing, or whose preview copy failed, says so
// in its row (a failed preview copy with Retry: `retryproxy` up). The list is searched, filtered
// and sorted in place (the view is the panel's own, per project); clicking an item selects it and
// shows its details under the list; F2 (or a double-click on its name) renames it in place
// (`renamemedia` up). Names that collide carry a short time and id.
import { h, emit, clear, send } from '../shared/dom.js';
import { duration, resolution } from '../shared/format.js';
import { server } from '../app/api.js';
import { mountSourceMonitor } from './source-monitor.js';
import {
  ALL_BINS, DEFAULT_VIEW, KINDS, ORIGINS, SORTS, binsOf, collisionTags, newBinName, detailRows, dragRefusal, itemStatus, renameTo, visibleItems,
  waveformBars, withTakes,
} from './library-model.js';

export const MEDIA_MIME = 'application/x-reelcut-media';

export function mountMedia(el) {
  let items = [];
  let enabled = false;
  let desktop = false; // the desktop window imports through its native dialog
  const input = h('input', {
    type: 'file', multiple: true, 'aria-label': 'Media files to import', accept: 'video/*,image/*,audio/*', hidden: true,
    onchange: () => {
      if (input.files.length) emit(el, 'importfiles', { files: [...input.files] });
      input.value = '';
    },
  });
  const importButton = h('button', {
    type: 'button', text: 'Import', onclick: () => (desktop ? emit(el, 'importnative') : input.click()),
  });
  let view = { ...DEFAULT_VIEW };
  let projectId = null;
  let selectedId = null;
  let editingId = null;
  const select = (label, options, key) => {
    const sel = h('select', { 'aria-label': label, onchange: () => { view = { ...view, [key]: sel.value }; saveView(); update(); } },
      Object.entries(options).map(([value, text]) => h('option', { value, text })));
    return sel;
  };
  const search = h('input', {
    type: 'search', class: 'media-search', placeholder: 'Search name or prompt', 'aria-label': 'Search media',
    oninput: () => { view = { ...view, query: search.value }; saveView(); update(); },
  });
  const sortSelect = select('Sort media', SORTS, 'sort');
  const kindSelect = select('Filter by kind', KINDS, 'kind');
  const originSelect = select('Filter by source', ORIGINS, 'origin');
  const tools = h('div', { class: 'media-tools' }, search, h('div', { class: 'media-filters' }, sortSelect, kindSelect, originSelect));
  // Bins: one level of folders. A bin shows its items; an item is dragged onto a bin to file it
  // there (`fileinbin` up), onto Unfiled to take it out. A new bin lives in this tab until an
  // item is filed in it.
  let madeBins = [];
  const binBar = h('div', { class: 'media-bins', role: 'group', 'aria-label': 'Bins' });
  tools.append(binBar);
  function binChip(label, value, droppable) {
    const chip = h('button', {
      type: 'button', class: 'bin', text: label, 'aria-pressed': String(view.bin === value), dataset: { bin: value },
      onclick: () => { view = { ...view, bin: value }; saveView(); update(); },
    });
    if (droppable) {
      chip.addEventListener('dragover', (e) => {
        if (!e.dataTransfer.types.includes(MEDIA_MIME)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'move';
        chip.classList.add('drop-target');
      });
      chip.addEventListener('dragleave', () => chip.classList.remove('drop-target'));
      chip.addEventListener('drop', (e) => {
        chip.classList.remove('drop-target');
        const id = e.dataTransfer.getData(MEDIA_MIME);
        if (!id) return;
        e.preventDefault();
        e.stopPropagation();
        emit(el, 'fileinbin', { id, bin: value || null });
      });
    }
    return chip;
  }
  function newBin() {
    const field = h('input', { type: 'text', class: 'bin-name', 'aria-label': 'New bin name', placeholder: 'Bin name' });
    let done = false;
    const finish = (commit) => {
      if (done) return;
      done = true;
      const name = commit ? newBinName(field.value, binsOf(items, madeBins)) : null;
      if (name) { madeBins = [...madeBins, name]; view = { ...view, bin: name }; saveView(); }
      field.remove();
      showBins(true);
      update();
    };
    field.addEventListener('keydown', (e) => {
      e.stopPropagation();
      if (e.key === 'Enter') { e.preventDefault(); finish(true); }
      else if (e.key === 'Escape') { e.preventDefault(); finish(false); }
    });
    field.addEventListener('blur', () => finish(true));
    binBar.append(field);
    field.focus();
  }
  let binsKey = '';
  function showBins(force = false) {
    const bins = binsOf(items, madeBins);
    if (view.bin !== ALL_BINS && view.bin !== '' && !bins.includes(view.bin)) view = { ...view, bin: ALL_BINS };
    const key = JSON.stringify([bins, view.bin]);
    if (key === binsKey && !force) return;
    if (binBar.querySelector('input.bin-name')) return; // a new bin being named
    binsKey = key;
    clear(binBar);
    binBar.append(binChip('All', ALL_BINS, false), binChip('Unfiled', '', true), ...bins.map((b) => binChip(b, b, true)),
      h('button', { type: 'button', class: 'ghost bin-new', text: '+ Bin', 'aria-label': 'New bin', onclick: newBin }));
  }
  const list = h('ul', { class: 'media-list', 'aria-label': 'Media' });
  const hint = h('p', { class: 'hint', text: 'Drop video, image or audio files here, or generate a clip.' });
  const none = h('p', { class: 'hint media-none', text: 'No media matches the search or filters.' });
  const details = h('dl', { class: 'media-details', 'aria-label': 'Media details' });
  // the last delete, with Undo, for as long as this project is open
  const undoNote = h('span', { class: 'note' });
  let undoId = null;
  const undoBar = h('div', { class: 'media-undo', role: 'status', 'aria-label': 'Deleted media', hidden: true },
    undoNote,
    h('button', { type: 'button', text: 'Undo', onclick: () => { const id = undoId; hideUndo(); emit(el, 'restoremedia', { id }); } }),
    h('button', { type: 'button', class: 'icon ghost', text: '✕', 'aria-label': 'Dismiss', onclick: () => hideUndo() }));
  function hideUndo() { undoId = null; undoBar.hidden = true; }
  const monitor = h('section', { class: 'source-monitor', 'aria-label': 'Source monitor' });
  mountSourceMonitor(monitor);
  el.append(h('div', { class: 'panel-head' }, h('h2', { text: 'Media' }), importButton, input), tools, undoBar, list, none, hint, details,
    monitor);
  let shownInMonitor = null; // the item the monitor shows, as it was sent

  // The view (search, sort, filters, bin) is kept per project for the session's tab.
  const viewKey = () => `reelcut.mediaView.${projectId}`;
  function saveView() {
    try { if (projectId) sessionStorage.setItem(viewKey(), JSON.stringify(view)); } catch { /* storage off: nothing kept */ }
  }
  function loadView() {
    let stored = null;
    try { stored = projectId && JSON.parse(sessionStorage.getItem(viewKey()) || 'null'); } catch { stored = null; }
    view = { ...DEFAULT_VIEW, ...(stored && typeof stored === 'object' ? stored : {}) };
  }

  function choose(id, focus = false) {
    selectedId = id;
    for (const [rid, r] of rows) {
      r.li.classList.toggle('selected', rid === id);
      // aria-current, not aria-selected: a list item has no role that allows selection
      if (rid === id) r.li.setAttribute('aria-current', 'true'); else r.li.removeAttribute('aria-current');
    }
    const r = rows.get(id);
    if (focus && r) r.li.focus();
    showDetails();
    showInMonitor();
  }

  // The selected item in the source monitor (sent again when it changes, e.g. renamed).
  function showInMonitor(play = false) {
    const item = items.find((m) => m.id === selectedId) || null;
    if (item === shownInMonitor && !play) return;
    shownInMonitor = item;
    send(monitor, 'source', { item, play });
  }

  function showDetails() {
    const item = items.find((m) => m.id === selectedId);
    clear(details);
    details.hidden = !item;
    if (!item) return;
    for (const [label, value] of detailRows(item)) details.append(h('dt', { text: label }), h('dd', { text: value, title: value }));
  }

  function startRename(item) {
    const r = rows.get(item.id);
    if (!r) return;
    editingId = item.id;
    const name = r.li.querySelector('.name');
    const field = h('input', { type: 'text', class: 'rename', value: item.name, 'aria-label': `New name for ${item.name}` });
    let done = false;
    const finish = (commit) => {
      if (done) return;
      done = true;
      editingId = null;
      const to = commit ? renameTo(item, field.value) : null;
      field.replaceWith(name);
      if (to) {
        name.textContent = to; // shown at once; the server's answer (or a refusal) follows
        emit(el, 'renamemedia', { id: item.id, name: to });
      }
      update();
      const row = rows.get(item.id);
      if (row) row.li.focus();
    };
    field.addEventListener('keydown', (e) => {
      e.stopPropagation(); // typing here is not a shortcut
      if (e.key === 'Enter') { e.preventDefault(); finish(true); }
      else if (e.key === 'Escape') { e.preventDefault(); finish(false); }
    });
    field.addEventListener('blur', () => finish(true));
    name.replaceWith(field);
    field.focus();
    field.select();
  }

  list.addEventListener('keydown', (e) => {
    const li = e.target.closest && e.target.closest('.media-item');
    if (!li || e.target.tagName === 'INPUT' || e.target.tagName === 'BUTTON') return;
    const item = items.find((m) => m.id === li.dataset.mediaId);
    if (!item) return;
    if (e.key === 'F2') {
      e.preventDefault();
      e.stopPropagation();
      startRename(item);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = e.key === 'ArrowDown' ? li.nextElementSibling : li.previousElementSibling;
      if (next) choose(next.dataset.mediaId, true);
    }
  });

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

  // An audio item's thumbnail is its waveform, drawn once its peaks arrive (a long sound is read
  // in the background: the server answers {status: 'pending'} until they are ready).
  const waves = new Map(); // media id -> Promise of peaks
  function peaksOf(id) {
    if (!waves.has(id)) {
      const load = (delay) => server.media.waveform(id).then((data) => (data && data.status === 'pending'
        ? new Promise((resolve) => setTimeout(resolve, delay)).then(() => load(Math.min(5000, delay * 1.5)))
        : (data && data.peaks) || []));
      waves.set(id, load(1000).catch(() => []));
    }
    return waves.get(id);
  }
  function thumbnail(item) {
    if (item.thumbnail_url) return h('img', { src: item.thumbnail_url, alt: '', loading: 'lazy', draggable: 'false' });
    if (item.kind !== 'audio' || item.missing) return h('div', { class: 'thumb-placeholder', text: item.kind === 'audio' ? '♪' : '' });
    const canvas = h('canvas', { class: 'thumb-wave', width: 72, height: 40, role: 'img', 'aria-label': `Waveform of ${item.name}` });
    peaksOf(item.id).then((peaks) => {
      const ctx = canvas.getContext('2d');
      const bars = waveformBars(peaks, 36);
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      ctx.fillStyle = getComputedStyle(canvas).color || '#7fd1a0';
      bars.forEach((b, i) => {
        const height = Math.max(1, b * (canvas.height - 4));
        ctx.fillRect(i * 2, (canvas.height - height) / 2, 1.5, height);
      });
      canvas.dataset.drawn = String(bars.length);
    });
    return canvas;
  }

  // `take`: {label, first, count} for one of several takes of a generation request (withTakes):
  // the takes sit together, the first under a line naming how many there are
  function row(item, take = null) {
    const status = itemStatus(item);
    const problemId = `media-problem-${item.id}`;
    const problem = status.problem ? h('span', { class: 'problem', id: problemId, role: 'note', text: status.problem }) : null;
    const retry = status.retry ? h('button', {
      type: 'button', class: 'retry', text: 'Retry', 'aria-label': `Retry the preview copy of ${item.name}`,
      onclick: () => emit(el, 'retryproxy', { id: item.id }), // a second click asks again, harmlessly
    }) : null;
    const tag = tags.get(item.id);
    const li = h('li', {
      class: `media-item ${item.kind}${item.missing ? ' missing' : ''}${status.retry ? ' failed' : ''}${take ? ' take' : ''}${take?.first ? ' take-first' : ''}`,
      draggable: 'true', tabindex: '0', dataset: { mediaId: item.id }, 'aria-describedby': problem ? problemId : null,
      title: tag ? `${item.name} (${tag})` : item.name,
      onclick: (e) => { if (!e.target.closest('button, input')) choose(item.id); },
      // a double-click opens it: it plays in the source monitor
      ondblclick: (e) => { if (!e.target.closest('button, input, .name')) { choose(item.id); showInMonitor(true); } },
      onfocus: (e) => { if (e.target === li && selectedId !== item.id) choose(item.id); },
    },
      take?.first ? h('span', { class: 'take-head', text: `${take.count} takes of one request` }) : null,
      thumbnail(item),
      h('div', { class: 'meta' },
        h('span', { class: 'name', text: item.name, title: item.name, ondblclick: () => startRename(item) }),
        take ? h('span', { class: 'take-label', text: take.label }) : null,
        h('span', { class: 'details' },
          tag ? h('span', { class: 'tag', text: tag, title: `Another item has this name: this one is ${tag}` }) : null,
          [duration(item.duration), resolution(item), status.note].filter(Boolean).join(' · ')),
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
      e.dataTransfer.effectAllowed = 'copyMove'; // copied onto the timeline, moved into a bin
    });
    return li;
  }

  // Rows are kept per item and rebuilt only when what they show changed: media events arrive
  // during generations and proxy encodes, and a rebuilt row would end a drag that started on it.
  const rows = new Map(); // media id -> {li, key}
  let tags = new Map(); // media id -> what tells it apart from another item of the same name
  function update() {
    tags = collisionTags(items);
    showBins();
    const shown = withTakes(visibleItems(items, view), items);
    const keep = new Set(shown.map((s) => s.item.id));
    for (const [id, r] of rows) if (!keep.has(id)) { r.li.remove(); rows.delete(id); }
    shown.forEach(({ item, take }, i) => {
      const key = JSON.stringify([item.name, item.thumbnail_url, item.duration, item.width, item.height, itemStatus(item), desktop,
        tags.get(item.id) || '', take]);
      let r = rows.get(item.id);
      if (!r || (r.key !== key && editingId !== item.id)) {
        const li = row(item, take);
        li.classList.toggle('selected', item.id === selectedId);
        if (item.id === selectedId) li.setAttribute('aria-current', 'true');
        const hadFocus = r && r.li.contains(document.activeElement);
        if (r) r.li.replaceWith(li);
        r = { li, key };
        rows.set(item.id, r);
        if (hadFocus) li.focus();
      }
      if (list.children[i] !== r.li) list.insertBefore(r.li, list.children[i] || null);
    });
    if (selectedId && !items.some((m) => m.id === selectedId)) selectedId = null;
    hint.hidden = items.length > 0;
    none.hidden = !items.length || shown.length > 0;
    tools.hidden = !items.length;
    if (search.value !== view.query) search.value = view.query;
    sortSelect.value = view.sort;
    kindSelect.value = view.kind;
    originSelect.value = view.origin;
    importButton.disabled = !enabled;
    showDetails();
    showInMonitor();
  }

  el.addEventListener('mediadeleted', (e) => {
    undoId = e.detail.id;
    undoNote.textContent = e.detail.note;
    undoBar.hidden = false;
  });
  el.addEventListener('mode', (e) => { desktop = e.detail.desktop; update(); });
  // a finished generation's card was clicked: its item is scrolled to, marked and focused
  el.addEventListener('reveal', (e) => {
    const { id } = e.detail;
    // a search, filter or bin that hides it is cleared first
    if (items.some((m) => m.id === id) && !visibleItems(items, view).some((m) => m.id === id)) {
      view = { ...DEFAULT_VIEW, sort: view.sort };
      saveView();
      update();
    }
    const r = rows.get(id);
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
    const pid = e.detail.projectId ?? null;
    if (pid !== projectId) {
      projectId = pid;
      selectedId = null;
      hideUndo(); // the undo window of a project closes with it
      madeBins = [];
      loadView();
    }
    update();
  });
  update();
}
