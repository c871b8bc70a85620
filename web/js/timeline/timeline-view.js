// The timeline: ruler, track headers, clips with trim handles, filmstrips and waveforms, the
// playhead and a snap guide. Rendering and pointer gestures only: the document comes down in
// `timeline` events; edits go up as `editclip`, `dropclip`, `select`, `seek`, `zoom`, `trackop`.
import { h, emit, clear } from '../shared/dom.js';
import { timecode } from '../shared/format.js';
import { clipEnd, clipLength, timeToX, xToTime, timelineEnd } from './timeline-model.js';
import { linkedClips, snap, snapPoints } from './edit-model.js';
import { DEFAULT_TRANSITION, TRANSITION_LABELS, cutsOf } from './transitions-model.js';
import { server, urls } from '../app/api.js';
import { MEDIA_MIME } from '../media/media-panel.js';
import { markLink, mountLinkTools } from './link-tools.js';

const MIN_SECONDS = 60;

// Capture keeps a drag going outside the element; a pointer that is already gone cannot be
// captured (InvalidStateError), and the gesture still works without it.
function capture(node, pointerId) {
  try {
    node.setPointerCapture(pointerId);
  } catch { /* not capturable */ }
}
const SNAP_PX = 8;
const HEADER_PX = 120;
const CUT_PX = 24; // how near a cut a dragged transition must be dropped
// what a transition dragged from the list carries (its type)
export const TRANSITION_MIME = 'application/x-reelcut-transition';

export function mountTimeline(el) {
  let doc = null;
  let mediaById = new Map();
  let selected = new Set();
  let playhead = 0;
  const waveforms = new Map(); // media id -> Promise of peaks
  // Filmstrips and waveforms are fetched only for clips near the visible part of the timeline:
  // a project with hundreds of clips opens without hundreds of requests.
  const lazy = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      lazy.unobserve(entry.target);
      entry.target.reelcutShow?.();
    }
  }, { rootMargin: '0px 400px' });

  const clock = h('output', { class: 'timecode', 'aria-label': 'Timecode', text: timecode(0) });
  const zoomInput = h('input', {
    type: 'range', min: 5, max: 400, step: 1, 'aria-label': 'Zoom',
    oninput: () => emit(el, 'zoom', { zoom: Number(zoomInput.value) }),
  });
  const tool = (label, action, detail = {}, key = '') => h('button', {
    type: 'button', class: 'ghost', text: label, title: key ? `${label} (${key})` : label,
    onclick: () => emit(el, action, detail),
  });
  const undoButton = tool('Undo', 'undo', {}, 'Ctrl+Z');
  const redoButton = tool('Redo', 'redo', {}, 'Ctrl+Shift+Z');
  const exportSlot = h('div', { class: 'export-slot' });
  el.append(h('div', { class: 'timeline-bar' },
    h('h2', { text: 'Timeline' }), clock,
    tool('Split', 'split', {}, 'S'), tool('Delete', 'deleteselected', {}, 'Delete'), undoButton, redoButton,
    tool('+ Video track', 'trackop', { op: 'add', kind: 'video' }), tool('+ Audio track', 'trackop', { op: 'add', kind: 'audio' }),
    tool('+ Text', 'addtext'), ...mountLinkTools(el),
    h('label', { class: 'zoom' }, 'Zoom ', zoomInput), exportSlot));

  const ruler = h('div', { class: 'ruler', dataset: { ruler: '' } });
  const tracks = h('div', { class: 'tracks' });
  const head = h('div', { class: 'playhead', 'aria-hidden': 'true' });
  const guide = h('div', { class: 'snap-guide', 'aria-hidden': 'true', hidden: true });
  const content = h('div', { class: 'timeline-content' }, ruler, tracks, head, guide);
  const scroller = h('div', { class: 'timeline-scroll' }, content);
  const headers = h('div', { class: 'track-headers' });
  el.append(h('div', { class: 'timeline-body' }, h('div', { class: 'headers-col' }, h('div', { class: 'ruler-spacer' }), headers), scroller));

  // -- ruler: click or drag to seek (scrubbing) ------------------------------------------
  const timeAt = (clientX) => xToTime(clientX - content.getBoundingClientRect().left, doc.zoom);
  ruler.addEventListener('pointerdown', (e) => {
    capture(ruler, e.pointerId);
    emit(el, 'seek', { time: timeAt(e.clientX) });
    const onMove = (m) => emit(el, 'seek', { time: timeAt(m.clientX), scrub: true });
    const onUp = () => { ruler.removeEventListener('pointermove', onMove); ruler.removeEventListener('pointerup', onUp); };
    ruler.addEventListener('pointermove', onMove);
    ruler.addEventListener('pointerup', onUp);
  });

  scroller.addEventListener('wheel', (e) => {
    if (!e.ctrlKey || !doc) return;
    e.preventDefault();
    const factor = e.deltaY < 0 ? 1.15 : 1 / 1.15;
    emit(el, 'zoom', { zoom: Math.min(400, Math.max(5, doc.zoom * factor)) });
  }, { passive: false });

  tracks.addEventListener('pointerdown', (e) => {
    if (e.target === tracks || e.target.classList.contains('track')) emit(el, 'selectclips', { ids: [] });
  });

  // -- gestures on clips: move, trim ------------------------------------------------------
  function showGuide(t) {
    guide.hidden = t === null;
    if (t !== null) guide.style.left = `${timeToX(t, doc.zoom)}px`;
  }

  function startGesture(e, clip, track, node, mode) {
    e.preventDefault();
    e.stopPropagation();
    const additive = e.shiftKey || e.ctrlKey || e.metaKey;
    if (mode === 'move' && (additive || !selected.has(clip.id))) emit(el, 'selectclips', { ids: [clip.id], additive });
    capture(node, e.pointerId);
    const x0 = e.clientX;
    const threshold = SNAP_PX / doc.zoom;
    const points = snapPoints(doc, [clip.id, ...linkedClips(doc, clip).map((c) => c.id)], playhead); // not to its own sound
    const length = clipLength(clip);
    let result = null;
    const onMove = (m) => {
      const dt = (m.clientX - x0) / doc.zoom;
      if (mode === 'move') {
        let start = Math.max(0, clip.start + dt);
        const byStart = snap(start, points, threshold);
        const byEnd = snap(start + length, points, threshold);
        if (byStart.guide !== null) start = byStart.time; else if (byEnd.guide !== null) start = byEnd.time - length;
        showGuide(byStart.guide ?? byEnd.guide);
        const under = document.elementFromPoint(m.clientX, m.clientY);
        const row = under && under.closest('[data-track-id]');
        node.style.left = `${timeToX(start, doc.zoom)}px`;
        result = { op: 'move', clipId: clip.id, trackId: row ? row.dataset.trackId : track.id, start };
      } else {
        const edge = mode === 'trimstart' ? clip.start + dt : clipEnd(clip) + dt;
        const snapped = snap(edge, points, threshold);
        showGuide(snapped.guide);
        if (mode === 'trimstart') {
          node.style.left = `${timeToX(snapped.time, doc.zoom)}px`;
          node.style.width = `${timeToX(clipEnd(clip) - snapped.time, doc.zoom)}px`;
        } else {
          node.style.width = `${timeToX(snapped.time - clip.start, doc.zoom)}px`;
        }
        result = { op: mode, clipId: clip.id, time: snapped.time };
      }
    };
    const onUp = () => {
      node.removeEventListener('pointermove', onMove);
      node.removeEventListener('pointerup', onUp);
      showGuide(null);
      // a press and release without a move changes nothing: rebuilding here would put the second
      // click of a double-click on a new element, and no dblclick would fire
      if (result) emit(el, 'editclip', result);
    };
    node.addEventListener('pointermove', onMove);
    node.addEventListener('pointerup', onUp);
  }

  function waveform(canvas, clip) {
    if (!waveforms.has(clip.media_id)) {
      // a long sound is read in the background: the server answers {status: 'pending'} until
      // its peaks are ready, so ask again a little later
      const load = (delay) => server.media.waveform(clip.media_id).then((data) => (data && data.status === 'pending'
        ? new Promise((resolve) => setTimeout(resolve, delay)).then(() => load(Math.min(5000, delay * 1.5)))
        : data));
      waveforms.set(clip.media_id, load(1000).catch(() => ({ peaks: [], duration: 0 })));
    }
    waveforms.get(clip.media_id).then(({ peaks, duration }) => {
      if (!peaks.length || !duration) return;
      const ctx = canvas.getContext('2d');
      const { width, height } = canvas;
      ctx.clearRect(0, 0, width, height);
      ctx.fillStyle = 'rgba(200, 255, 220, 0.75)';
      const perSecond = peaks.length / duration;
      for (let x = 0; x < width; x += 1) {
        const t = clip.in + (x / width) * (clip.out - clip.in);
        const p = peaks[Math.min(peaks.length - 1, Math.floor(t * perSecond))] || 0;
        const bar = Math.max(1, p * height);
        ctx.fillRect(x, (height - bar) / 2, 1, bar);
      }
    });
  }

  function clipNode(clip, track) {
    const media = mediaById.get(clip.media_id);
    const isText = track.kind === 'text';
    const label = isText ? clip.text : media ? media.name : 'Missing media';
    const node = h('div', {
      class: `clip${selected.has(clip.id) ? ' selected' : ''}`, dataset: { clipId: clip.id, mediaId: clip.media_id || '' },
      title: label, 'aria-selected': String(selected.has(clip.id)),
    }, h('span', { class: 'clip-label', text: label }));
    node.style.left = `${timeToX(clip.start, doc.zoom)}px`;
    const width = timeToX(clipLength(clip), doc.zoom);
    node.style.width = `${width}px`;
    // its keyframes, as diamonds where they are (times are from the clip's start, so they move
    // with it); the inspector names and edits them
    const times = new Set(Object.values(clip.keyframes ?? {}).flat().map((k) => k.time));
    if (times.size) {
      node.dataset.keyframes = String(times.size);
      for (const t of times) {
        const diamond = h('span', { class: 'keyframe', 'aria-hidden': 'true' });
        diamond.style.left = `${timeToX(t, doc.zoom)}px`;
        node.append(diamond);
      }
    }
    // video: the server's filmstrip; a still: its own thumbnail, repeated along the clip
    const wantsStrip = media && (media.kind === 'video' || media.kind === 'image') && media.thumbnail_url;
    const wantsWave = media && (media.kind === 'audio' || track.kind === 'audio') && media.audio_codec;
    if (wantsStrip || wantsWave) {
      node.reelcutShow = () => {
        if (wantsStrip) {
          // server-made filmstrip, scaled so each frame keeps its aspect
          const strip = media.kind === 'video' ? urls.filmstrip(media.id) : media.thumbnail_url;
          node.style.backgroundImage = `url("${strip}")`;
          node.classList.add('filmstrip');
        }
        if (wantsWave) {
          const canvas = h('canvas', { class: 'waveform', width: Math.max(1, Math.min(4000, Math.round(width))), height: 36 });
          node.append(canvas);
          waveform(canvas, clip);
        }
      };
      lazy.observe(node);
    }
    const left = h('div', { class: 'handle start', dataset: { handle: 'start' }, 'aria-label': 'Trim start' });
    const right = h('div', { class: 'handle end', dataset: { handle: 'end' }, 'aria-label': 'Trim end' });
    node.append(left, right);
    markLink(node, clip);
    node.addEventListener('pointerdown', (e) => startGesture(e, clip, track, node, 'move'));
    left.addEventListener('pointerdown', (e) => startGesture(e, clip, track, node, 'trimstart'));
    right.addEventListener('pointerdown', (e) => startGesture(e, clip, track, node, 'trimend'));
    if (isText) node.addEventListener('dblclick', () => emit(el, 'edittext', { clipId: clip.id }));
    return node;
  }

  // A transition over its overlap: pressing it selects the clip it leads into (the inspector
  // then shows its type and duration); its right edge drags its duration.
  function transitionNode(clip) {
    const { type, duration } = clip.transition_in;
    const name = TRANSITION_LABELS[type] || type;
    const node = h('button', {
      type: 'button', class: 'transition', dataset: { transitionFor: clip.id }, title: `${name}, ${duration.toFixed(2)} s`,
      'aria-label': `Transition: ${name}, ${duration.toFixed(2)} s`,
      onclick: () => emit(el, 'selectclips', { ids: [clip.id] }),
    }, h('span', { class: 'transition-label', text: name }));
    node.style.left = `${timeToX(clip.start, doc.zoom)}px`;
    node.style.width = `${timeToX(duration, doc.zoom)}px`;
    const grip = h('span', { class: 'grip', 'aria-hidden': 'true', title: 'Drag to change the duration' });
    grip.addEventListener('pointerdown', (e) => {
      e.preventDefault();
      e.stopPropagation();
      capture(grip, e.pointerId);
      const x0 = e.clientX;
      let next = duration;
      const move = (m) => {
        next = Math.max(0.05, Number((duration + (m.clientX - x0) / doc.zoom).toFixed(3)));
        node.style.width = `${timeToX(next, doc.zoom)}px`;
      };
      const up = () => {
        grip.removeEventListener('pointermove', move);
        grip.removeEventListener('pointerup', up);
        if (next !== duration) emit(el, 'settransition', { clipId: clip.id, type, duration: next });
      };
      grip.addEventListener('pointermove', move);
      grip.addEventListener('pointerup', up);
    });
    node.append(grip);
    return node;
  }

  // the cut nearest the pointer (x in the row), within CUT_PX
  function cutNear(track, x) {
    let best = null;
    for (const cut of cutsOf(track)) {
      const d = Math.abs(timeToX(cut.time, doc.zoom) - x);
      if (d <= CUT_PX && (!best || d < best.d)) best = { ...cut, d };
    }
    return best;
  }

  function trackRow(track) {
    const row = h('div', { class: `track ${track.kind}${track.hidden ? ' is-hidden' : ''}${track.muted ? ' is-muted' : ''}`,
      dataset: { trackId: track.id }, 'aria-label': `Track ${track.name || track.id}` });
    for (const clip of track.clips) row.append(clipNode(clip, track));
    for (const clip of track.clips) if (clip.transition_in) row.append(transitionNode(clip));
    const rowX = (e) => e.clientX - row.getBoundingClientRect().left;
    row.addEventListener('dragover', (e) => {
      if (track.kind === 'video' && e.dataTransfer.types.includes(TRANSITION_MIME)) {
        const cut = cutNear(track, rowX(e));
        showGuide(cut ? cut.time : null);
        if (cut) { e.preventDefault(); e.dataTransfer.dropEffect = 'copy'; }
        return;
      }
      if (track.kind !== 'text' && e.dataTransfer.types.includes(MEDIA_MIME)) {
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        row.classList.add('drop-target');
      }
    });
    row.addEventListener('dragleave', () => { row.classList.remove('drop-target'); showGuide(null); });
    row.addEventListener('drop', (e) => {
      row.classList.remove('drop-target');
      showGuide(null);
      const type = e.dataTransfer.getData(TRANSITION_MIME);
      if (type) {
        const cut = cutNear(track, rowX(e));
        if (!cut) return;
        e.preventDefault();
        emit(el, 'settransition', { clipId: cut.clipId, type, duration: DEFAULT_TRANSITION });
        return;
      }
      const mediaId = e.dataTransfer.getData(MEDIA_MIME);
      if (!mediaId) return;
      e.preventDefault();
      const x = e.clientX - row.getBoundingClientRect().left;
      emit(el, 'dropclip', { trackId: track.id, mediaId, start: xToTime(x, doc.zoom) });
    });
    return row;
  }

  function trackHeader(track) {
    const name = track.name || track.id;
    const flag = (flagName, on, off) => h('button', {
      type: 'button', class: `icon ghost${track[flagName] ? ' on' : ''}`, text: track[flagName] ? on : off,
      'aria-label': `${flagName === 'muted' ? 'Mute' : 'Hide'} ${name}`, 'aria-pressed': String(Boolean(track[flagName])),
      onclick: () => emit(el, 'trackop', { op: 'flag', trackId: track.id, flag: flagName, value: !track[flagName] }),
    });
    return h('div', { class: `track-header ${track.kind}` },
      h('span', { class: 'track-name', text: name }),
      track.kind !== 'text' ? flag('muted', 'M', 'M') : null,
      track.kind !== 'audio' ? flag('hidden', 'H', 'H') : null,
      h('button', { type: 'button', class: 'icon ghost', text: '✕', 'aria-label': `Remove track ${name}`,
        onclick: () => emit(el, 'trackop', { op: 'remove', trackId: track.id }) }));
  }

  function drawRuler(width) {
    clear(ruler);
    const step = doc.zoom >= 80 ? 1 : doc.zoom >= 20 ? 5 : doc.zoom >= 8 ? 15 : 30;
    for (let t = 0; t * doc.zoom < width; t += step) {
      const tick = h('span', { class: 'tick', text: `${Math.floor(t / 60)}:${String(t % 60).padStart(2, '0')}` });
      tick.style.left = `${timeToX(t, doc.zoom)}px`;
      ruler.append(tick);
    }
  }

  function movePlayhead() {
    if (!doc) return;
    head.style.left = `${timeToX(playhead, doc.zoom)}px`;
    clock.textContent = timecode(playhead, doc.fps);
  }

  function update() {
    if (!doc) return;
    const width = Math.max(timelineEnd(doc) + 10, MIN_SECONDS) * doc.zoom;
    content.style.width = `${width}px`;
    zoomInput.value = String(Math.round(doc.zoom));
    drawRuler(width);
    lazy.disconnect();
    clear(tracks);
    clear(headers);
    for (const t of doc.tracks) {
      tracks.append(trackRow(t));
      headers.append(trackHeader(t));
    }
    movePlayhead();
  }

  function markSelection() {
    for (const node of tracks.querySelectorAll('[data-clip-id]')) {
      const on = selected.has(node.dataset.clipId);
      node.classList.toggle('selected', on);
      node.setAttribute('aria-selected', String(on));
    }
  }

  let shownMedia = null;
  el.addEventListener('timeline', (e) => {
    // A new selection alone keeps the clip elements: the press that selected a clip may be the
    // start of its drag (or the first click of a double-click), which a rebuilt element would lose.
    const selectionOnly = doc !== null && e.detail.doc === doc && e.detail.media === shownMedia;
    doc = e.detail.doc;
    shownMedia = e.detail.media;
    mediaById = new Map(e.detail.media.map((m) => [m.id, m]));
    selected = new Set(e.detail.selected || []);
    undoButton.disabled = !e.detail.canUndo;
    redoButton.disabled = !e.detail.canRedo;
    playhead = doc.playhead || 0;
    el.hidden = false;
    if (selectionOnly) markSelection(); else update();
  });
  el.addEventListener('playhead', (e) => {
    playhead = e.detail.time;
    movePlayhead();
  });
  el.addEventListener('noproject', () => { doc = null; el.hidden = true; });
  return { exportSlot, headerWidth: HEADER_PX };
}
