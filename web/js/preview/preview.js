// The preview panel: a compositor that plays the timeline at the playhead, with its transport
// (Play, J/K/L), timecode and level meter. What is drawn and heard at a time is
// compose-model.js's; the canvas drawing is compositor.js's, the sound mixer.js's, and the media
// elements (one per clip on screen or coming up, loaded ahead so a cut does not wait) are
// media-pool.js's.
//
// While playing, the wall clock is the master: the playhead is where the clock says, and every
// element follows it, nudged by its playback rate when it drifts and sought when it is far off.
// A frame whose layers are not ready yet (a seek in flight) is not drawn, so the screen holds
// the last picture instead of flashing black.
import { h, emit } from '../shared/dom.js';
import { server } from '../app/api.js';
import { timecode } from '../shared/format.js';
import { timelineEnd } from '../timeline/timeline-model.js';
import { layersAt, soundsAt, stackAt, titlesAt, upcoming } from './compose-model.js';
import { mountCanvasControl } from './canvas-control.js';
import { createCompositor } from './compositor.js';
import { dragTo, hitTitle } from './title-layout.js';
import { createMediaPool } from './media-pool.js';
import { createMixer } from './mixer.js';
import { createProxyWatch, driftRate, frameKey, mediaKinds, playsFromStart } from './preview-model.js';
import { createSourceCache } from './sources.js';
import { retakeBadge, retakeUnder, retakesByClip } from '../generate/retake-model.js';

const FAR = 0.3; // seconds an element may be off the clock before it is sought, not nudged
const HOLD_LIMIT = 0.5; // seconds the screen holds a frame for a layer that is still loading
const SEEK_TIMEOUT = 10000; // a loaded machine can take seconds; a newer paint supersedes the wait

// Seek an element and wait until it shows the frame there: sought, and its frame decoded (a frame
// drawn before `readyState` reaches HAVE_CURRENT_DATA is blank).
function seekTo(el, time) {
  const target = Math.max(0, Math.min(time, (el.duration || Infinity) - 0.001));
  const shown = () => !el.seeking && el.readyState >= 2;
  if (Math.abs(el.currentTime - target) < 0.001 && shown()) return Promise.resolve();
  return new Promise((resolve) => {
    const events = ['seeked', 'loadeddata', 'canplay'];
    const check = () => { if (shown()) done(); };
    const done = () => {
      clearTimeout(timer);
      for (const name of events) el.removeEventListener(name, check);
      resolve();
    };
    const timer = setTimeout(done, SEEK_TIMEOUT);
    for (const name of events) el.addEventListener(name, check);
    if (Math.abs(el.currentTime - target) >= 0.001) el.currentTime = target;
    else check();
  });
}

export function mountPreview(el) {
  let doc = null;
  let kinds = new Map();
  let fps = new Map(); // media id -> its frame rate
  let jobs = new Map(); // generation job id -> job, for the placeholders' cards
  let retakes = new Map(); // clip id -> the retake it shows (generate/retake-model.js)
  let models = []; // the registry, for a retake's model name
  let drawnKey = null; // what the canvas shows while playing (preview-model's frameKey)
  let playhead = 0;
  let playing = false;
  let rate = 1; // L doubles it, up to 4
  let clock = { wall: 0, time: 0 };
  let resync = false; // the next frame seeks every element (the playhead jumped)
  let heldSince = null;
  let paint = 0; // the paused paint in flight; a newer one wins
  let shuttle = null; // reverse play timer
  const proxies = createProxyWatch();
  const sources = createSourceCache((mediaId) => server.media.sources(mediaId).then((r) => r.sources));

  const canvas = h('canvas', { class: 'composite', role: 'img', 'aria-label': 'Preview' });
  const pool = h('div', { class: 'sources', hidden: true });
  // the clip under the playhead being retaken plays on as it is: a line over the picture (not in
  // it: the canvas is the export's frame) says so, and how far the retake is or why it failed
  const retakeNote = h('div', { class: 'retake-note', hidden: true });
  const screen = h('div', { class: 'screen' }, canvas, pool, retakeNote);
  const playButton = h('button', { type: 'button', class: 'primary', text: 'Play', disabled: true, onclick: () => emit(el, 'toggleplay') });
  const clockOut = h('output', { class: 'timecode', text: timecode(0) });
  const meter = h('meter', { class: 'level', min: 0, max: 1, value: 0, 'aria-label': 'Audio level' });
  const head = h('div', { class: 'panel-head' }, h('h2', { text: 'Preview' }));
  el.append(head, screen, h('div', { class: 'transport' }, playButton, clockOut, meter));
  const canvasControl = mountCanvasControl(head);

  const toast = (message, kind = 'warn') => emit(el, 'toast', { message, kind });
  const mixer = createMixer();
  const media = createMediaPool({ container: pool, sourcesFor: (id) => sources.get(id), toast,
    onCreate: (v) => mixer.add(v), onRemove: (v) => mixer.remove(v) });
  // a title's font file loaded: draw again with it
  const compositor = createCompositor(canvas, { onFont: () => { drawnKey = null; if (!playing) showAt(playhead); } });

  // Drag a title on the picture to place it: the grab area is the layout the compositor drew it
  // with; the move is live while dragging and one undo step when let go (`movetitle` up).
  // a title that can be dragged shows the move pointer
  canvas.addEventListener('pointermove', (e) => {
    if (e.buttons || !doc) return;
    const rect = canvas.getBoundingClientRect();
    const drawn = compositor.titles();
    const hit = hitTitle(drawn.map((d) => d.layout), ((e.clientX - rect.left) / rect.width) * doc.width,
      ((e.clientY - rect.top) / rect.height) * doc.height);
    canvas.style.cursor = hit >= 0 && drawn[hit].item.clipId ? 'move' : '';
  });
  canvas.addEventListener('pointerdown', (e) => {
    if (e.button !== 0 || !doc) return;
    const rect = canvas.getBoundingClientRect();
    const toDoc = (ev) => [((ev.clientX - rect.left) / rect.width) * doc.width, ((ev.clientY - rect.top) / rect.height) * doc.height];
    const drawn = compositor.titles();
    const [px, py] = toDoc(e);
    const hit = hitTitle(drawn.map((d) => d.layout), px, py);
    const item = hit >= 0 ? drawn[hit].item : null;
    if (!item || !item.clipId) return;
    e.preventDefault();
    const start = { x: item.x, y: item.y };
    let last = null;
    const move = (m) => {
      const [mx, my] = toDoc(m);
      last = dragTo(start, mx - px, my - py, doc);
      emit(el, 'movetitle', { id: item.clipId, ...last, live: true });
    };
    const up = () => {
      canvas.removeEventListener('pointermove', move);
      canvas.removeEventListener('pointerup', up);
      canvas.removeEventListener('pointercancel', up);
      if (last) emit(el, 'movetitle', { id: item.clipId, ...last, live: false });
    };
    try { canvas.setPointerCapture(e.pointerId); } catch { /* a pointer already gone still drags */ }
    canvas.addEventListener('pointermove', move);
    canvas.addEventListener('pointerup', up);
    canvas.addEventListener('pointercancel', up);
  });

  // Every clip the screen or the speakers need at t, and the ones coming up: clip id -> need.
  function needs(t) {
    const layers = layersAt(doc, kinds, t);
    const want = new Map();
    for (const layer of layers) if (!layer.offline) want.set(layer.clip.id, { clip: layer.clip, still: layer.still, time: layer.time, gain: 0, speed: layer.clip.speed ?? 1 });
    for (const s of soundsAt(doc, kinds, t)) {
      const need = want.get(s.clip.id) ?? { clip: s.clip, still: false, time: s.time, gain: 0, speed: s.speed };
      need.gain = s.gain;
      want.set(s.clip.id, need);
    }
    const ahead = upcoming(doc, kinds, t).filter((u) => !want.has(u.clip.id));
    return { layers, want, ahead };
  }

  const sourceOf = (layer) => {
    const entry = media.peek(layer.clip.id);
    if (!entry || !entry.ok) return null;
    return entry.still || entry.el.readyState >= 2 ? entry.el : null;
  };
  // the source frame a layer's element is on (a still has one)
  const sourceFrame = (layer) => {
    const entry = media.peek(layer.clip.id);
    if (!entry || !entry.ok) return -1;
    return entry.still ? 0 : Math.floor(entry.el.currentTime * (fps.get(layer.clip.media_id) || 30) + 1e-6);
  };
  const isReady = (layer) => {
    if (layer.offline) return true; // its card needs no file
    const entry = media.peek(layer.clip.id);
    return Boolean(entry && (entry.failed || (entry.ok && (entry.still || (entry.el.readyState >= 2 && !entry.el.seeking)))));
  };

  function fit() {
    const resized = compositor.fitTo(doc, screen.clientWidth, screen.clientHeight);
    if (resized) drawnKey = null;
    return resized;
  }

  // The frame at t, paused: every element sought to its time, then one drawing.
  async function showAt(t) {
    const mine = ++paint;
    canvas.dataset.paintedAt = '';
    if (!doc) { compositor.clear(); return; }
    fit();
    const { layers, want, ahead } = needs(t);
    const entries = [...want.values()].map((need) => [media.get(need.clip, need.still), need]);
    for (const u of ahead) media.get(u.clip, false);
    media.keep(new Set([...want.keys(), ...ahead.map((u) => u.clip.id)]));
    for (const entry of media.entries()) if (!entry.still) { entry.el.pause(); mixer.set(entry.el, 0); }
    await Promise.all(entries.map(([entry]) => entry.loading));
    if (mine !== paint) return;
    await Promise.all(entries.filter(([e]) => e.ok && !e.still).map(([e, need]) => seekTo(e.el, need.time)));
    for (const u of ahead) {
      const entry = media.peek(u.clip.id);
      if (entry && entry.ok) seekTo(entry.el, u.time);
    }
    if (mine !== paint || playing) return;
    compositor.draw(stackAt(doc, layers, t, jobs), titlesAt(doc, t), sourceOf);
    drawnKey = null;
    canvas.dataset.paintedAt = String(t);
  }

  function showRetake() {
    const under = retakeUnder(doc, playhead, retakes);
    const badge = under ? retakeBadge(under.shown, under.clip, models) : null;
    retakeNote.hidden = !badge;
    if (!badge) return;
    if (retakeNote.textContent !== badge.text) retakeNote.textContent = badge.text;
    retakeNote.dataset.status = badge.status;
    retakeNote.dataset.retakeJob = badge.jobId;
  }

  function setPlayhead(t, announce = true) {
    playhead = t;
    showRetake();
    clockOut.textContent = timecode(t, doc ? doc.fps : 25);
    if (announce) emit(el, 'tick', { time: t });
  }

  // A rate is set only when it changes: in WebKitGTK each assignment is a seek.
  const setRate = (v, value) => { if (v.playbackRate !== value) v.playbackRate = value; };

  // Set every element the frame at t needs going at the clock's pace; stop the others.
  function drive(t, { want, ahead }) {
    const live = new Set();
    for (const need of want.values()) {
      const entry = media.get(need.clip, need.still);
      if (entry.still || !entry.ok) continue;
      const v = entry.el;
      live.add(v);
      mixer.set(v, need.gain);
      if (v.paused || resync) {
        if (resync || Math.abs(v.currentTime - need.time) > 0.05) v.currentTime = need.time;
        setRate(v, need.speed * rate);
        // at its media's end an element holds its last picture: play() would start it over
        if (v.paused && !(need.time >= v.duration - 0.05)) v.play().catch(() => {});
        continue;
      }
      const drift = v.currentTime - need.time;
      if (Math.abs(drift) > FAR && !v.seeking) v.currentTime = need.time;
      else setRate(v, driftRate(need.speed * rate, drift));
    }
    resync = false;
    for (const u of ahead) {
      const entry = media.get(u.clip, false);
      if (entry.ok && entry.el.paused && !entry.el.seeking && Math.abs(entry.el.currentTime - u.time) > 0.01) entry.el.currentTime = u.time;
    }
    for (const entry of media.entries()) {
      if (entry.still || live.has(entry.el)) continue;
      mixer.set(entry.el, 0);
      if (!entry.el.paused) entry.el.pause();
    }
    media.keep(new Set([...want.keys(), ...ahead.map((u) => u.clip.id)]));
  }

  // How far (timeline seconds) the playing element furthest ahead of the clock is ahead of it.
  function leadAhead(want) {
    let most = 0;
    for (const need of want.values()) {
      const entry = media.peek(need.clip.id);
      if (!entry || !entry.ok || entry.still || entry.el.paused || entry.el.seeking) continue;
      most = Math.max(most, (entry.el.currentTime - need.time) / need.speed);
    }
    return most;
  }

  function frame(now) {
    if (!playing) return;
    const end = timelineEnd(doc);
    let t = Math.min(end, clock.time + ((now - clock.wall) / 1000) * rate);
    let need = needs(t);
    // An element far ahead of the clock moves the clock up to it instead of being sought back:
    // WebKitGTK's play() settles after its element has started, and its position runs on past
    // a seek while the seek is carried out, so seeking it back kept its picture from being drawn.
    const ahead = leadAhead(need.want);
    if (ahead > FAR) {
      clock = { wall: now, time: Math.min(end, t + ahead) };
      t = clock.time;
      need = needs(t);
    }
    drive(t, need);
    // hold the last picture while a layer is not ready, but not for ever
    const ready = need.layers.every(isReady);
    if (ready || (heldSince !== null && now - heldSince > HOLD_LIMIT * 1000)) {
      const titles = titlesAt(doc, t);
      const stack = stackAt(doc, need.layers, t, jobs);
      const cards = stack.filter((l) => l.card).map((l) => `${l.card.clipId}:${l.card.text}`).join('|');
      const key = `${frameKey(need.layers, titles, sourceFrame)}#${cards}`;
      if (key !== drawnKey) compositor.draw(stack, titles, sourceOf);
      drawnKey = key;
      heldSince = null;
    } else if (heldSince === null) heldSince = now;
    meter.value = mixer.level();
    setPlayhead(t);
    if (t >= end) { stop(); return; }
    requestAnimationFrame(frame);
  }

  async function play() {
    if (!doc || playing) return;
    if (playsFromStart(doc, playhead)) setPlayhead(0);
    playing = true;
    ++paint;
    playButton.textContent = 'Pause';
    emit(el, 'playstate', { playing: true });
    try { await mixer.start(); } catch (err) { toast(`No sound: ${err.message}`); }
    // start the elements of the first frame before the clock, so playback opens without a jump
    const { want } = needs(playhead);
    const starting = [];
    for (const need of want.values()) {
      const entry = media.get(need.clip, need.still);
      starting.push(entry.loading.then(async () => {
        if (!entry.ok || entry.still || !playing) return;
        await seekTo(entry.el, need.time);
        setRate(entry.el, need.speed * rate);
        mixer.set(entry.el, need.gain);
        await entry.el.play();
      }).catch((err) => toast(`Playback failed: ${err.message}`, 'error')));
    }
    await Promise.race([Promise.all(starting), new Promise((r) => setTimeout(r, 1000))]);
    if (!playing) return;
    clock = { wall: performance.now(), time: playhead };
    heldSince = null;
    requestAnimationFrame(frame);
  }

  function stop() {
    clearInterval(shuttle);
    shuttle = null;
    rate = 1;
    if (!playing) return;
    playing = false;
    for (const entry of media.entries()) if (!entry.still) { entry.el.pause(); mixer.set(entry.el, 0); }
    meter.value = 0;
    playButton.textContent = 'Play';
    emit(el, 'playstate', { playing: false, time: playhead });
    showAt(playhead);
  }

  new ResizeObserver(() => { if (fit() && !playing) showAt(playhead); }).observe(screen);

  el.addEventListener('timeline', (e) => {
    doc = e.detail.doc;
    canvasControl.update(doc, e.detail.limits);
    playButton.disabled = false;
    kinds = mediaKinds(e.detail.media);
    fps = new Map(e.detail.media.map((m) => [m.id, m.fps]));
    proxies.reset(e.detail.media);
    showRetake();
    if (!playing) {
      setPlayhead(doc.playhead || 0, false);
      showAt(playhead);
    }
  });
  // a placeholder's card says how far its job is: a paused preview showing one draws it again
  el.addEventListener('jobs', (e) => {
    jobs = new Map(e.detail.jobs.map((j) => [j.id, j]));
    retakes = retakesByClip(e.detail.jobs);
    showRetake();
    if (!playing && doc && stackAt(doc, [], playhead, jobs).length) showAt(playhead);
  });
  el.addEventListener('models', (e) => { models = e.detail.models; showRetake(); });
  el.addEventListener('position', (e) => {
    setPlayhead(e.detail.time, false);
    if (playing) {
      clock = { wall: performance.now(), time: playhead };
      resync = true;
    } else showAt(playhead);
  });
  // Data down is a noun (`transport`); the Play button's action bubbles up as `toggleplay`.
  el.addEventListener('transport', (e) => {
    const { command, speed } = e.detail;
    if (command === 'toggle') (playing ? stop() : play());
    else if (command === 'shuttle' && speed > 0) {
      // L: play, and each further L doubles the speed (up to 4x)
      if (shuttle) stop();
      if (playing) {
        clock = { wall: performance.now(), time: playhead };
        rate = Math.min(4, rate * 2);
      } else play();
    } else if (command === 'shuttle' && speed < 0) {
      // J: backwards in steps (a media element cannot play in reverse)
      stop();
      shuttle = setInterval(() => {
        const t = Math.max(0, playhead - 0.1);
        setPlayhead(t);
        showAt(t);
        if (t === 0) stop();
      }, 100);
    } else stop();
  });
  // A paused preview moves to an item's new first source at once; a playing one at its next load.
  function reload(mediaId) {
    media.forget(mediaId);
    if (!playing) showAt(playhead);
  }
  el.addEventListener('mediachanged', (e) => {
    const { id, media: item } = e.detail;
    sources.forget(id);
    if (proxies.changed(id, item) && !playing) reload(id);
  });
  // the settings decide which source comes first (remote preview, preview proxies)
  el.addEventListener('sourceschanged', () => { sources.clear(); if (!playing) reload(); });
  el.addEventListener('noproject', () => {
    stop();
    doc = null;
    showRetake();
    paint += 1;
    playButton.disabled = true;
    media.forget();
    compositor.clear();
  });
}
