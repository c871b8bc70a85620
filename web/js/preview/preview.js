// The preview: plays the timeline at the playhead. Each clip's media gets its sources from the
// server (local first); a source that fails (`error`, or a CSP violation) falls back to the next,
// and the user is told. Gaps are black and the playhead keeps moving in real time.
import { h, emit } from '../shared/dom.js';
import { server } from '../app/api.js';
import { timecode } from '../shared/format.js';
import { clipAt, clipEnd, mediaTime, nextClipAfter, timelineEnd } from '../timeline/timeline-model.js';
import { playFirstWorking } from './sources.js';

// Hand a source to `start`: a URL as is, or for the `blob` kind the bytes fetched into memory and
// given as an object URL (reported through `made`, so the caller can free it later).
function startSource(source, start, made, reject) {
  if (source.kind !== 'blob') {
    start(source.url);
    return;
  }
  fetch(source.url).then((r) => {
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    return r.blob();
  }).then((blob) => {
    const url = URL.createObjectURL(blob);
    start(url);
    made(url);
  }).catch(reject);
}

export function mountPreview(el) {
  let doc = null;
  let playhead = 0;
  let playing = false;
  let loaded = { mediaId: null, url: null, blobUrl: null };
  let loading = null;
  let lastWall = 0;
  const sourceCache = new Map();
  let kinds = new Map(); // media id -> kind, to show stills in an <img> rather than the <video>
  let proxyReady = new Set(); // media ids whose proxy is made: a newly made one may change the first source
  let still = { mediaId: null, blobUrl: null };

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

  async function sourcesFor(mediaId) {
    if (!sourceCache.has(mediaId)) {
      sourceCache.set(mediaId, server.media.sources(mediaId).then((r) => r.sources).catch((err) => {
        sourceCache.delete(mediaId);
        throw err;
      }));
    }
    return sourceCache.get(mediaId);
  }

  // Load one source into the video element; resolve when it has data, reject with a reason.
  function tryOne(source) {
    return new Promise((resolve, reject) => {
      let url = source.url;
      const cleanup = () => {
        video.removeEventListener('loadeddata', onData);
        video.removeEventListener('error', onError);
        document.removeEventListener('securitypolicyviolation', onViolation);
      };
      const onData = () => { cleanup(); resolve(); };
      const onError = () => {
        cleanup();
        const code = video.error ? video.error.code : 0;
        reject(new Error({ 1: 'aborted', 2: 'network error', 3: 'decode error', 4: 'format not supported' }[code] || 'error'));
      };
      const onViolation = (e) => {
        if (url && e.blockedURI && url.startsWith(e.blockedURI)) { cleanup(); reject(new Error(`blocked by ${e.violatedDirective}`)); }
      };
      const start = (src) => {
        url = new URL(src, location.href).href;
        video.addEventListener('loadeddata', onData);
        video.addEventListener('error', onError);
        document.addEventListener('securitypolicyviolation', onViolation);
        // the bytes of a previous in-memory copy are freed as soon as the element moves on
        if (loaded.blobUrl && loaded.blobUrl !== src) {
          URL.revokeObjectURL(loaded.blobUrl);
          loaded.blobUrl = null;
        }
        video.src = src;
        video.load();
      };
      startSource(source, start, (made) => { loaded.blobUrl = made; }, reject);
    });
  }

  async function load(mediaId) {
    if (loaded.mediaId === mediaId) return;
    if (loading && loading.mediaId === mediaId) return loading.promise;
    const promise = (async () => {
      const sources = await sourcesFor(mediaId);
      const used = await playFirstWorking(sources, tryOne, (message) => toast(message));
      video.dataset.sourceKind = used.kind;
      loaded.mediaId = mediaId;
    })();
    loading = { mediaId, promise };
    try {
      await promise;
    } catch (err) {
      loaded.mediaId = null;
      toast(`This clip cannot be played: ${err.message}`, 'error');
      throw err;
    } finally {
      if (loading && loading.promise === promise) loading = null;
    }
  }

  // What the screen shows: nothing (a gap), the video element, or a still image.
  function show(what) {
    screen.classList.toggle('black', what !== 'video');
    picture.hidden = what !== 'still';
  }

  const isStill = (clip) => kinds.get(clip.media_id) === 'image';

  // An image clip's sources, tried in order like a video's, into the <img>.
  function tryStill(source) {
    return new Promise((resolve, reject) => {
      const start = (src) => {
        picture.onload = () => resolve();
        picture.onerror = () => reject(new Error('image could not be loaded'));
        if (still.blobUrl && still.blobUrl !== src) {
          URL.revokeObjectURL(still.blobUrl);
          still.blobUrl = null;
        }
        picture.src = src;
      };
      startSource(source, start, (made) => { still.blobUrl = made; }, reject);
    });
  }

  async function loadStill(mediaId) {
    if (still.mediaId === mediaId) return;
    const sources = await sourcesFor(mediaId);
    try {
      await playFirstWorking(sources, tryStill, (message) => toast(message));
    } catch (err) {
      toast(`This image cannot be shown: ${err.message}`, 'error');
      throw err;
    }
    still.mediaId = mediaId;
  }

  // Show the frame at time t (paused).
  async function showAt(t) {
    const hit = doc && clipAt(doc, t);
    if (!hit) { show('black'); return; }
    if (isStill(hit.clip)) {
      try { await loadStill(hit.clip.media_id); } catch { return; }
      show('still');
      return;
    }
    try {
      await load(hit.clip.media_id);
    } catch { return; }
    video.currentTime = mediaTime(hit.clip, t);
    show('video');
  }

  // Text clips of visible text tracks, drawn over the picture at their place and size.
  function renderTitles(t) {
    while (titles.firstChild) titles.firstChild.remove();
    if (!doc) return;
    const scale = screen.clientHeight / doc.height;
    for (const track of doc.tracks) {
      if (track.kind !== 'text' || track.hidden) continue;
      for (const clip of track.clips) {
        if (t < clip.start || t >= clip.start + clip.duration) continue;
        const node = h('div', { class: 'title', text: clip.text });
        node.style.left = `${clip.x * 100}%`;
        node.style.top = `${clip.y * 100}%`;
        node.style.fontSize = `${Math.max(8, clip.size * scale)}px`;
        node.style.color = clip.color;
        titles.append(node);
      }
    }
  }

  // Fetch the next clip's first source into a hidden element, so the boundary does not stall.
  async function preloadAfter(t) {
    const next = doc && nextClipAfter(doc, t);
    if (!next || isStill(next.clip) || warm.has(next.clip.media_id) || next.clip.media_id === loaded.mediaId) return;
    try {
      const [first] = (await sourcesFor(next.clip.media_id)).filter((s) => s.kind !== 'blob');
      if (!first) return;
      const el2 = h('video', { preload: 'auto', muted: true, hidden: true, src: first.url });
      warm.set(next.clip.media_id, el2);
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
    const hit = clipAt(doc, playhead);
    if (hit && isStill(hit.clip)) {
      // a still holds the screen while the playhead moves on in real time
      video.pause();
      if (still.mediaId !== hit.clip.media_id) {
        try { await loadStill(hit.clip.media_id); } catch { stop(); return; }
        if (!playing) return;
        lastWall = 0;
      }
      show('still');
      setPlayhead(Math.min(playhead + dt, timelineEnd(doc)));
      if (playhead >= timelineEnd(doc)) { stop(); return; }
    } else if (hit) {
      const { clip } = hit;
      if (loaded.mediaId !== clip.media_id || video.paused) {
        video.pause();
        try {
          await load(clip.media_id);
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
        const t = clip.start + (video.currentTime - clip.in);
        if (video.ended || video.currentTime >= clip.out - 0.001) {
          video.pause();
          setPlayhead(clipEnd(clip));
        } else {
          setPlayhead(Math.max(playhead, t));
        }
      }
    } else {
      video.pause();
      show('black');
      const next = playhead + dt;
      if (next >= timelineEnd(doc)) { setPlayhead(timelineEnd(doc)); stop(); return; }
      setPlayhead(next);
    }
    requestAnimationFrame(frame);
  }

  function play() {
    if (!doc || playing) return;
    if (playhead >= timelineEnd(doc) - 0.01) setPlayhead(0);
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
    kinds = new Map((e.detail.media || []).map((m) => [m.id, m.kind]));
    proxyReady = new Set((e.detail.media || []).filter((m) => m.proxy && m.proxy.status === 'ready').map((m) => m.id));
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
    if (!playing && loaded.mediaId) { loaded.mediaId = null; showAt(playhead); }
  }
  el.addEventListener('mediachanged', (e) => {
    const { id, media } = e.detail;
    sourceCache.delete(id);
    const ready = media?.proxy?.status === 'ready';
    const madeNow = ready && !proxyReady.has(id);
    if (ready) proxyReady.add(id); else proxyReady.delete(id);
    if (id === loaded.mediaId && madeNow) reload();
  });
  // the settings decide which source comes first (remote preview, preview proxies)
  el.addEventListener('sourceschanged', () => { sourceCache.clear(); reload(); });
  el.addEventListener('noproject', () => { stop(); doc = null; playButton.disabled = true; video.removeAttribute('src'); video.load(); show('black'); });
}
