// The preview panel: plays the timeline at the playhead, with its transport (Play, J/K/L) and
// timecode. Each clip's media gets its sources from the server (local first); a source that fails
// (`error`, or a CSP violation) falls back to the next, and the user is told (player.js). Gaps are
// black and the playhead keeps moving in real time. What shows when is preview-model.js's.
import { h, emit } from '../shared/dom.js';
import { server } from '../app/api.js';
import { timecode } from '../shared/format.js';
import { clipEnd, mediaTime } from '../timeline/timeline-model.js';
import { createSourceCache, preloadSource } from './sources.js';
import {
  advanceByClock, advanceWithVideo, createProxyWatch, mediaKinds, onScreen, playsFromStart, titlesAt, toPreload,
} from './preview-model.js';
import { createPlayer } from './player.js';

export function mountPreview(el) {
  let doc = null;
  let playhead = 0;
  let playing = false;
  let lastWall = 0;
  const sources = createSourceCache((mediaId) => server.media.sources(mediaId).then((r) => r.sources));
  let kinds = new Map(); // media id -> kind, to show stills in an <img> rather than the <video>
  const proxies = createProxyWatch();

  const video = h('video', { 'aria-label': 'Preview', playsinline: true, preload: 'auto' });
  const titles = h('div', { class: 'titles', 'aria-live': 'off' });
  const picture = h('img', { class: 'still', alt: '', hidden: true });
  const screen = h('div', { class: 'screen black' }, video, picture, titles);
  const warm = new Map(); // media id -> hidden element fetching the next clip ahead of time
  let shuttle = null; // reverse play timer
  const playButton = h('button', { type: 'button', class: 'primary', text: 'Play', disabled: true, onclick: () => emit(el, 'toggleplay') });
  const clock = h('output', { class: 'timecode', text: timecode(0) });
  el.append(h('div', { class: 'panel-head' }, h('h2', { text: 'Preview' })), screen,
    h('div', { class: 'transport' }, playButton, clock));

  function toast(message, kind = 'warn') {
    emit(el, 'toast', { message, kind });
  }

  const player = createPlayer({ video, picture, sourcesFor: (mediaId) => sources.get(mediaId), toast });

  // What the screen shows: nothing (a gap), the video element, or a still image.
  function show(what) {
    screen.classList.toggle('black', what !== 'video');
    picture.hidden = what !== 'still';
  }

  // Show the frame at time t (paused).
  async function showAt(t) {
    const { show: what, hit } = onScreen(doc, kinds, t);
    if (what === 'black') { show('black'); return; }
    if (what === 'still') {
      try { await player.loadStill(hit.clip.media_id); } catch { return; }
      show('still');
      return;
    }
    try {
      await player.load(hit.clip.media_id);
    } catch { return; }
    video.currentTime = mediaTime(hit.clip, t);
    show('video');
  }

  // Text clips of visible text tracks, drawn over the picture at their place and size.
  function renderTitles(t) {
    while (titles.firstChild) titles.firstChild.remove();
    if (!doc) return;
    for (const title of titlesAt(doc, t, screen.clientHeight)) {
      const node = h('div', { class: 'title', text: title.text });
      node.style.left = `${title.left}%`;
      node.style.top = `${title.top}%`;
      node.style.fontSize = `${title.fontSize}px`;
      node.style.color = title.color;
      titles.append(node);
    }
  }

  // Fetch the next clip's first source into a hidden element, so the boundary does not stall.
  async function preloadAfter(t) {
    const mediaId = toPreload(doc, kinds, t, warm, player.videoId);
    if (!mediaId) return;
    try {
      const first = preloadSource(await sources.get(mediaId));
      if (!first) return;
      const el2 = h('video', { preload: 'auto', muted: true, hidden: true, src: first.url });
      warm.set(mediaId, el2);
      if (warm.size > 3) warm.delete(warm.keys().next().value);
    } catch { /* preloading is best effort */ }
  }

  function setPlayhead(t, announce = true) {
    playhead = t;
    renderTitles(t);
    clock.textContent = timecode(t, doc ? doc.fps : 25);
    if (announce) emit(el, 'tick', { time: t });
  }

  async function frame(now) {
    if (!playing) return;
    const dt = lastWall ? (now - lastWall) / 1000 : 0;
    lastWall = now;
    const { show: what, hit } = onScreen(doc, kinds, playhead);
    if (what === 'still') {
      // a still holds the screen while the playhead moves on in real time
      video.pause();
      if (player.stillId !== hit.clip.media_id) {
        try { await player.loadStill(hit.clip.media_id); } catch { stop(); return; }
        if (!playing) return;
        lastWall = 0;
      }
      show('still');
      const step = advanceByClock(doc, playhead, dt);
      setPlayhead(step.time);
      if (step.done) { stop(); return; }
    } else if (what === 'video') {
      const { clip } = hit;
      if (player.videoId !== clip.media_id || video.paused) {
        video.pause();
        try {
          await player.load(clip.media_id);
        } catch { stop(); return; }
        if (!playing) return;
        video.currentTime = mediaTime(clip, playhead);
        video.muted = Boolean(hit.track.muted);
        show('video');
        preloadAfter(clipEnd(clip) - 0.01);
        try {
          await video.play();
        } catch (err) {
          toast(`Playback failed: ${err.message}`, 'error');
          stop();
          return;
        }
        lastWall = 0;
      } else {
        const step = advanceWithVideo(clip, playhead, video.currentTime, video.ended);
        if (step.done) video.pause();
        setPlayhead(step.time);
      }
    } else {
      video.pause();
      show('black');
      const step = advanceByClock(doc, playhead, dt);
      setPlayhead(step.time);
      if (step.done) { stop(); return; }
    }
    requestAnimationFrame(frame);
  }

  function play() {
    if (!doc || playing) return;
    if (playsFromStart(doc, playhead)) setPlayhead(0);
    playing = true;
    lastWall = 0;
    playButton.textContent = 'Pause';
    emit(el, 'playstate', { playing: true });
    requestAnimationFrame(frame);
  }

  function stop() {
    clearInterval(shuttle);
    shuttle = null;
    video.playbackRate = 1;
    if (!playing) return;
    playing = false;
    video.pause();
    playButton.textContent = 'Play';
    emit(el, 'playstate', { playing: false, time: playhead });
  }

  el.addEventListener('timeline', (e) => {
    doc = e.detail.doc;
    playButton.disabled = false;
    kinds = mediaKinds(e.detail.media);
    proxies.reset(e.detail.media);
    setPlayhead(doc.playhead || 0, false);
    if (!playing) showAt(playhead);
  });
  el.addEventListener('position', (e) => {
    setPlayhead(e.detail.time, false);
    // While playing, a paused element makes the next frame re-seek it to the new playhead.
    if (playing) video.pause(); else showAt(playhead);
  });
  // Data down is a noun (`transport`); the Play button's action bubbles up as `toggleplay`.
  el.addEventListener('transport', (e) => {
    const { command, speed } = e.detail;
    if (command === 'toggle') (playing ? stop() : play());
    else if (command === 'shuttle' && speed > 0) {
      // L: play, and each further L doubles the speed (up to 4x)
      if (shuttle) stop();
      if (playing) video.playbackRate = Math.min(4, video.playbackRate * 2); else play();
    } else if (command === 'shuttle' && speed < 0) {
      // J: backwards in steps (a video element cannot play in reverse)
      stop();
      shuttle = setInterval(() => {
        const t = Math.max(0, playhead - 0.1);
        setPlayhead(t);
        showAt(t);
        if (t === 0) stop();
      }, 100);
    } else stop();
  });
  // A paused preview moves to the clip's new first source at once; a playing one at its next load.
  function reload() {
    if (!playing && player.videoId) { player.unload(); showAt(playhead); }
  }
  el.addEventListener('mediachanged', (e) => {
    const { id, media } = e.detail;
    sources.forget(id);
    const madeNow = proxies.changed(id, media);
    if (id === player.videoId && madeNow) reload();
  });
  // the settings decide which source comes first (remote preview, preview proxies)
  el.addEventListener('sourceschanged', () => { sources.clear(); reload(); });
  el.addEventListener('noproject', () => { stop(); doc = null; playButton.disabled = true; video.removeAttribute('src'); video.load(); show('black'); });
}
