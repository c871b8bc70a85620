// The source monitor: the media item chosen in the library, shown with its own player (its own
// <video>, apart from the timeline's preview), play controls and In/Out marks. While it has the
// focus, I and O mark In and Out at its position, Space plays and pauses it, `,` inserts and `.`
// overwrites the marked range at the timeline's playhead (`placesource` up; these keys are
// the monitor's own, the timeline's nudges keep them elsewhere). Data down: `source` {item}.
import { h, emit } from '../shared/dom.js';
import { server } from '../app/api.js';
import {
  NO_MARKS, markIn, markOut, markedRange, playableSources, sourceLength, timecode,
} from './source-model.js';

export function mountSourceMonitor(el) {
  let item = null;
  let marks = NO_MARKS;
  const marksOf = new Map(); // media id -> its marks, kept while the page is open
  let loadToken = 0;

  const video = h('video', { class: 'source-video', playsinline: true, preload: 'auto', 'aria-label': 'Source video' });
  const still = h('img', { class: 'source-still', alt: '', hidden: true });
  const message = h('p', { class: 'hint source-message', text: 'Click a media item to see it here.' });
  const title = h('span', { class: 'source-name' });
  const position = h('input', {
    type: 'range', min: 0, max: 1, step: 0.01, value: 0, 'aria-label': 'Source position',
    oninput: () => { if (isVideo()) video.currentTime = Number(position.value); showTime(); },
  });
  const span = h('div', { class: 'source-span', 'aria-hidden': 'true' });
  // labelled by roles that allow a label: a timer (the position) and a status (the marks, read
  // out as they change)
  const time = h('span', { class: 'source-time', role: 'timer', 'aria-label': 'Source time', text: '0:00.00' });
  const range = h('span', { class: 'source-range', role: 'status', 'aria-label': 'Marked range' });
  const play = h('button', { type: 'button', text: '▶', 'aria-label': 'Start source', onclick: () => toggle() });
  const inButton = h('button', { type: 'button', text: 'In', title: 'Mark In (I)', 'aria-label': 'Mark In', onclick: () => mark('in') });
  const outButton = h('button', { type: 'button', text: 'Out', title: 'Mark Out (O)', 'aria-label': 'Mark Out', onclick: () => mark('out') });
  const clearButton = h('button', { type: 'button', class: 'ghost', text: 'Clear', 'aria-label': 'Clear the marks', onclick: () => setMarks(NO_MARKS) });
  const add = h('button', {
    type: 'button', class: 'primary', text: 'Add to timeline', title: 'Insert the marked range at the playhead (,)',
    onclick: () => place('insert'),
  });
  const overwrite = h('button', { type: 'button', text: 'Overwrite', title: 'Overwrite at the playhead (.)', onclick: () => place('overwrite') });
  const stage = h('div', { class: 'source-stage' }, video, still, message);
  el.append(
    h('div', { class: 'source-head' }, h('h3', { text: 'Source' }), title),
    stage,
    h('div', { class: 'source-bar' }, span, position),
    h('div', { class: 'source-controls' }, play, time, inButton, outButton, clearButton, range),
    h('div', { class: 'source-actions' }, add, overwrite),
  );
  el.tabIndex = 0;

  const isVideo = () => item && item.kind !== 'image';
  const length = () => (item ? sourceLength(item) : 0);
  const now = () => (isVideo() ? video.currentTime || 0 : 0);

  function toggle() {
    if (!isVideo() || !video.src) return;
    if (video.paused) video.play().catch(() => {});
    else video.pause();
  }

  function mark(which) {
    if (!item) return;
    setMarks(which === 'in' ? markIn(marks, now(), length()) : markOut(marks, now(), length()));
  }

  function setMarks(next) {
    marks = next;
    if (item) marksOf.set(item.id, marks);
    showMarks();
  }

  function place(mode) {
    if (!item) return;
    const r = markedRange(marks, length());
    video.pause();
    emit(el, 'placesource', { id: item.id, in: r.in, out: r.out, mode });
  }

  function showTime() {
    time.textContent = timecode(now());
    if (document.activeElement !== position) position.value = String(now());
  }

  function showMarks() {
    const len = length();
    const r = markedRange(marks, len);
    const set = marks.in !== null || marks.out !== null;
    range.textContent = item
      ? `In ${marks.in === null ? '–' : timecode(marks.in)} · Out ${marks.out === null ? '–' : timecode(marks.out)} · ${r.length.toFixed(2)} s`
      : '';
    span.hidden = !item || !set;
    if (len > 0) {
      span.style.left = `${(r.in / len) * 100}%`;
      span.style.width = `${(r.length / len) * 100}%`;
    }
  }

  function update() {
    const has = Boolean(item);
    for (const b of [play, inButton, outButton, clearButton, add, overwrite, position]) b.disabled = !has;
    play.disabled = !has || !isVideo();
    inButton.disabled = outButton.disabled = !has || !isVideo();
    title.textContent = item ? item.name : '';
    title.title = item ? item.name : '';
    el.classList.toggle('empty', !has);
    showMarks();
    showTime();
  }

  async function load(next) {
    const token = ++loadToken;
    video.pause();
    video.removeAttribute('src');
    video.load();
    still.hidden = true;
    video.hidden = true;
    item = next;
    marks = (item && marksOf.get(item.id)) || NO_MARKS;
    position.max = String(length() || 1);
    position.value = '0';
    update();
    if (!item) { message.hidden = false; message.textContent = 'Click a media item to see it here.'; return; }
    if (item.missing) { message.hidden = false; message.textContent = 'Its file is missing.'; return; }
    message.hidden = false;
    message.textContent = 'Loading…';
    let sources = [];
    try {
      sources = (await server.media.sources(item.id)).sources || [];
    } catch (err) {
      if (token === loadToken) message.textContent = `Cannot show it: ${err.message}`;
      return;
    }
    if (token !== loadToken) return;
    const seen = new Set();
    const list = playableSources(sources, (t) => (item.kind === 'image' ? (t.startsWith('image/') ? 'maybe' : '') : video.canPlayType(t)))
      .filter((s) => !seen.has(s.url) && seen.add(s.url));
    for (const s of list) {
      // eslint-disable-next-line no-await-in-loop
      const ok = await (item.kind === 'image' ? tryStill(s.url) : tryVideo(s.url));
      if (token !== loadToken) return;
      if (ok) { message.hidden = true; return; }
    }
    message.textContent = 'This browser cannot play this item.';
  }

  function tryVideo(url) {
    return new Promise((resolve) => {
      const done = (ok) => { video.removeEventListener('loadeddata', yes); video.removeEventListener('error', no); resolve(ok); };
      const yes = () => { video.hidden = false; done(true); };
      const no = () => done(false);
      video.addEventListener('loadeddata', yes);
      video.addEventListener('error', no);
      video.src = url;
      video.load();
    });
  }

  function tryStill(url) {
    return new Promise((resolve) => {
      still.onload = () => { still.hidden = false; resolve(true); };
      still.onerror = () => resolve(false);
      still.src = url;
    });
  }

  video.addEventListener('timeupdate', showTime);
  video.addEventListener('seeked', showTime);
  video.addEventListener('play', () => { play.textContent = '⏸'; play.setAttribute('aria-label', 'Stop source'); });
  video.addEventListener('pause', () => { play.textContent = '▶'; play.setAttribute('aria-label', 'Start source'); });
  video.addEventListener('loadedmetadata', () => {
    if (Number.isFinite(video.duration) && video.duration > 0) position.max = String(video.duration);
  });

  // The monitor's own keys, while it has the focus (typing in a field is left alone).
  el.addEventListener('keydown', (e) => {
    if (!item || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.target !== el && e.target.tagName !== 'BUTTON' && e.target !== position) return;
    const keys = {
      KeyI: () => mark('in'), KeyO: () => mark('out'), Comma: () => place('insert'), Period: () => place('overwrite'),
      Space: () => toggle(),
    };
    const run = keys[e.code];
    if (!run || e.shiftKey) return;
    if (e.code === 'Space' && e.target.tagName === 'BUTTON') return; // a button's own press
    e.preventDefault();
    e.stopPropagation(); // not the timeline's shortcut for the same key
    run();
  });

  el.addEventListener('source', (e) => {
    const next = e.detail.item || null;
    if (next && item && next.id === item.id) {
      item = next; // the same item, changed (a new name): the player goes on
      update();
      if (e.detail.play) toggle();
      return;
    }
    load(next).then(() => { if (e.detail.play && item && isVideo()) video.play().catch(() => {}); });
  });
  update();
}
