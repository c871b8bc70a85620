// The timeline: ruler, track headers, clips with trim handles, filmstrips and waveforms, the
// playhead and a snap guide. Rendering and pointer gestures only: the document comes down in
// `timeline` events, the zoom in `zoomlevel`; edits go up as `editclip`, `dropclip`, `selectclips`,
// `seek`, `zoom`, `trackop`.
//
// Clip elements are keyed by id (lanes-model.js): an edit replaces only the elements of the clips
// it changed, and only clips near the visible stretch are in the DOM. Every position is a time
// times the CSS variable --zoom, so a zoom is one change of that variable, not a rebuild.
import { h, emit, clear } from '../shared/dom.js';
import { timecode } from '../shared/format.js';
import { clipEnd, clipLength, timeToX, xToTime, timelineEnd, zoomBy, ZOOM_MIN, ZOOM_MAX } from './timeline-model.js';
import { findClip, linkedClips, snap, snapPoints } from './edit-model.js';
import { gapUnderPlayhead, placeholderLabel, spotUnderPlayhead } from '../generate/from-timeline-model.js';
import { retakeBadge, retakesByClip } from '../generate/retake-model.js';
import { DEFAULT_TRANSITION, TRANSITION_LABELS, cutsOf } from './transitions-model.js';
import { anchoredScroll, clipSignature, planLane, rulerStep, transitionSignature, visibleWindow } from './lanes-model.js';
import { initialFocus, nextFocus } from './focus-model.js';
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
  let jobs = new Map(); // generation job id -> job, for the placeholders' progress
  let retakes = new Map(); // clip id -> the retake it shows (generate/retake-model.js)
  let models = []; // the registry, for a retake's model name
  let focusedId = null; // the clip the timeline's one tab stop is on (roving focus)
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
  // the slider keeps the playhead where it is on screen; Ctrl+wheel keeps the time under the pointer
  const zoomInput = h('input', {
    type: 'range', min: ZOOM_MIN, max: ZOOM_MAX, step: 1, 'aria-label': 'Zoom',
    oninput: () => emit(el, 'zoom', { zoom: Number(zoomInput.value), anchor: playhead }),
  });
  const tool = (label, action, detail = {}, key = '') => h('button', {
    type: 'button', class: 'ghost', text: label, title: key ? `${label} (${key})` : label,
    onclick: () => emit(el, action, detail),
  });
  const snapButton = h('button', {
    type: 'button', class: 'ghost toggle', text: 'Snap', title: 'Snapping (N)', 'aria-pressed': 'true',
    onclick: () => emit(el, 'togglesnapping'),
  });
  const fitButton = h('button', {
    type: 'button', class: 'ghost', text: 'Fit', title: 'Zoom to fit the whole timeline (Shift+Z)',
    onclick: () => emit(el, 'zoomtofit', { width: scroller.clientWidth }),
  });
  // generation from the timeline: Extend the selected video clip, Fill the gap under the playhead
  const extendButton = tool('Extend…', 'askextend', {});
  extendButton.title = 'Continue the selected video clip with a generated one';
  const retakeButton = tool('Retake part…', 'askretake', {});
  retakeButton.title = 'Make the In–Out range of the selected video clip (else all of it) again, as a new take';
  const fillButton = tool('Fill gap…', 'askfill', {});
  fillButton.title = 'Generate a clip for the gap under the playhead, from the frames on both sides';
  // sound and picture from the timeline: a voice-over at the playhead, sound under the selected
  // silent clip, the selected clip upscaled in place
  const voiceButton = Object.assign(tool('Voice-over…', 'askvoiceover', {}), { title: 'Speak a text at the playhead, on an audio track' });
  const soundButton = Object.assign(tool('Add sound…', 'askaddsound', {}), { title: 'Generate sound for the selected silent video clip' });
  const upscaleButton = Object.assign(tool('Upscale…', 'askupscale', {}), { title: 'Replace the selected video clip with a sharper, larger copy' });
  const hereButton = tool('Generate here…', 'askhere', {});
  hereButton.title = 'Generate a clip from a prompt at the playhead, on an empty spot of a video track';
  const undoButton = tool('Undo', 'undo', {}, 'Ctrl+Z');
  const redoButton = tool('Redo', 'redo', {}, 'Ctrl+Shift+Z');
  const exportSlot = h('div', { class: 'export-slot' });
  const clearMarks = Object.assign(tool('Clear In/Out', 'clearmarks', {}, 'Alt+X'), { hidden: true });
  el.append(h('div', { class: 'timeline-bar' },
    h('h2', { text: 'Timeline' }), clock,
    tool('Split', 'split', {}, 'S'), Object.assign(tool('Delete', 'deleteselected', {}, 'Delete'), { ariaLabel: 'Delete clip' }), undoButton, redoButton,
    tool('+ Video track', 'trackop', { op: 'add', kind: 'video' }), tool('+ Audio track', 'trackop', { op: 'add', kind: 'audio' }),
    tool('+ Text', 'addtext'), tool('+ Captions track', 'trackop', { op: 'add', kind: 'captions' }), ...mountLinkTools(el), tool('Close gap', 'closegap', {}, 'Alt+Backspace'),
    extendButton, retakeButton, fillButton, hereButton, voiceButton, soundButton, upscaleButton,
    tool('+ Marker', 'addmarker', {}, 'M'), tool('◂ Marker', 'jumpmarker', { dir: -1 }, 'Shift+Up'),
    tool('Marker ▸', 'jumpmarker', { dir: 1 }, 'Shift+Down'), snapButton,
    h('label', { class: 'zoom' }, 'Zoom ', zoomInput), fitButton, clearMarks, exportSlot));

  const ticks = h('div', { class: 'ticks' });
  const ruler = h('div', { class: 'ruler', dataset: { ruler: '' } }, ticks);
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
    emit(el, 'zoom', { zoom: zoomBy(doc.zoom, factor), anchor: timeAt(e.clientX) });
  }, { passive: false });

  // A press on an empty stretch of a lane clears the selection; dragged, it draws a box and
  // selects every clip the box touches (Shift or Ctrl: adds them). A double-click on an empty
  // stretch closes that gap.
  const box = h('div', { class: 'select-box', hidden: true, 'aria-hidden': 'true' });
  content.append(box);
  tracks.addEventListener('pointerdown', (e) => {
    if (!doc || !(e.target === tracks || e.target.classList.contains('track')) || e.button !== 0) return;
    const origin = content.getBoundingClientRect();
    const x0 = e.clientX - origin.left;
    const y0 = e.clientY - origin.top;
    const additive = e.shiftKey || e.ctrlKey || e.metaKey;
    let moved = false;
    capture(tracks, e.pointerId);
    const rect = (m) => {
      const x1 = m.clientX - origin.left;
      const y1 = m.clientY - origin.top;
      return { left: Math.min(x0, x1), right: Math.max(x0, x1), top: Math.min(y0, y1), bottom: Math.max(y0, y1) };
    };
    const move = (m) => {
      const r = rect(m);
      if (!moved && r.right - r.left < 4 && r.bottom - r.top < 4) return;
      moved = true;
      Object.assign(box.style, { left: `${r.left}px`, top: `${r.top}px`, width: `${r.right - r.left}px`, height: `${r.bottom - r.top}px` });
      box.hidden = false;
    };
    const up = (m) => {
      tracks.removeEventListener('pointermove', move);
      tracks.removeEventListener('pointerup', up);
      box.hidden = true;
      if (!moved) { if (!additive) emit(el, 'selectclips', { ids: [] }); return; }
      const r = rect(m);
      const [t0, t1] = [xToTime(r.left, doc.zoom), xToTime(r.right, doc.zoom)];
      const ids = [];
      for (const lane of lanes.values()) {
        const top = lane.row.offsetTop + ruler.offsetHeight;
        if (top + lane.row.offsetHeight < r.top || top > r.bottom) continue;
        for (const clip of lane.track.clips) if (clip.start < t1 && clipEnd(clip) > t0) ids.push(clip.id);
      }
      emit(el, 'selectclips', { ids, additive });
    };
    tracks.addEventListener('pointermove', move);
    tracks.addEventListener('pointerup', up);
  });
  tracks.addEventListener('dblclick', (e) => {
    // the press captured the pointer on the lanes, so the lane is found by where the click was
    if (!doc || !(e.target === tracks || e.target.classList.contains('track'))) return;
    const lane = [...lanes.values()].find(({ row }) => {
      const r = row.getBoundingClientRect();
      return e.clientY >= r.top && e.clientY < r.bottom;
    });
    if (lane) emit(el, 'closegap', { time: timeAt(e.clientX), trackId: lane.track.id });
  });

  // the track headers follow the lanes when they scroll up and down
  scroller.addEventListener('scroll', () => { headers.scrollTop = scroller.scrollTop; });

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
    gesture = true;
    const x0 = e.clientX;
    const threshold = snapping ? SNAP_PX / doc.zoom : 0;
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
      gesture = false;
      // back to the place its variables give: an edit that is refused leaves the clip where it was
      node.style.left = '';
      node.style.width = '';
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

  // A clip still being generated: a card with its state, its progress and Cancel (or Retry)
  function placeholderNode(clip, track) {
    const ph = clip.placeholder;
    const job = jobs.get(ph.job_id);
    const label = h('span', { class: 'clip-label', text: placeholderLabel(clip, job) });
    const running = ph.status === 'running';
    const button = h('button', {
      type: 'button', class: 'ghost', text: running ? 'Cancel' : 'Retry',
      'aria-label': running ? 'Cancel the generation' : 'Retry the generation',
      onclick: () => emit(el, running ? 'canceljob' : 'retryjob', { id: ph.job_id }),
    });
    button.addEventListener('pointerdown', (e) => e.stopPropagation());
    const bar = h('span', { class: 'placeholder-progress', 'aria-hidden': 'true' });
    bar.style.setProperty('--progress', String(job && running ? job.progress || 0 : 0));
    const node = h('div', {
      class: `clip placeholder ${ph.status}${selected.has(clip.id) ? ' selected' : ''}`,
      dataset: { clipId: clip.id, placeholderJob: ph.job_id, status: ph.status }, title: label.textContent,
      role: 'option', 'aria-selected': String(selected.has(clip.id)), tabindex: clip.id === focusedId ? '0' : '-1',
    }, label, bar, button);
    place(node, clip.start, clipLength(clip));
    // moved and trimmed like any clip: the result keeps its place and a shorter length
    const left = h('div', { class: 'handle start', dataset: { handle: 'start' }, title: 'Trim start ([)' });
    const right = h('div', { class: 'handle end', dataset: { handle: 'end' }, title: 'Trim end (])' });
    node.append(left, right);
    node.addEventListener('pointerdown', (e) => startGesture(e, clip, track, node, 'move'));
    left.addEventListener('pointerdown', (e) => startGesture(e, clip, track, node, 'trimstart'));
    right.addEventListener('pointerdown', (e) => startGesture(e, clip, track, node, 'trimend'));
    return node;
  }

  function updatePlaceholders() {
    for (const node of tracks.querySelectorAll('[data-placeholder-job]')) {
      const job = jobs.get(node.dataset.placeholderJob);
      if (!job || node.dataset.status !== 'running') continue;
      const label = node.querySelector('.clip-label');
      label.textContent = placeholderLabel({ placeholder: { status: 'running' } }, job);
      node.querySelector('.placeholder-progress').style.setProperty('--progress', String(job.progress || 0));
    }
  }

  // A clip being retaken plays on as it is (the job's result switches it when done), so the retake
  // is shown over it: the stretch being remade, its progress and model, and Cancel; or, failed, the
  // job's reason with Retry and Dismiss. Kept and updated in place, as a placeholder is: progress
  // arrives several times a second and a rebuilt Cancel would slip from under the pointer.
  function retakeAction(text, label, event, detail) {
    const button = h('button', { type: 'button', class: 'ghost', text, 'aria-label': label, onclick: () => emit(el, event, detail) });
    button.addEventListener('pointerdown', (e) => e.stopPropagation()); // a press on it is no drag of the clip
    return button;
  }

  function retakeParts(badge, name) {
    const span = h('span', { class: 'retake-span', 'aria-hidden': 'true' });
    const text = h('span', { class: 'retake-text' });
    const bar = h('span', { class: 'retake-progress', role: 'progressbar', 'aria-label': `Retake of ${name}`,
      'aria-valuemin': '0', 'aria-valuemax': '100' });
    const buttons = badge.status === 'running'
      ? [retakeAction('Cancel', `Cancel the retake of ${name}`, 'canceljob', { id: badge.jobId })]
      : [retakeAction('Retry', `Retry the retake of ${name}`, 'retryjob', { id: badge.jobId }),
        retakeAction('Dismiss', `Dismiss the failed retake of ${name}`, 'clearjobs', { ids: [badge.jobId] })];
    const root = h('div', { class: `retake-state ${badge.status}`, dataset: { retakeJob: badge.jobId, status: badge.status } },
      span, h('div', { class: 'retake-bar' }, text, ...buttons), bar);
    return { root, span, text, bar, jobId: badge.jobId, status: badge.status };
  }

  function showRetake(node, clip, shown) {
    const badge = shown ? retakeBadge(shown, clip, models) : null;
    let parts = node.reelcutRetake;
    if (parts && (!badge || parts.jobId !== badge.jobId || parts.status !== badge.status)) {
      parts.root.remove();
      parts = null;
    }
    node.reelcutRetake = parts;
    node.classList.toggle('retaking', Boolean(badge && badge.status === 'running'));
    node.classList.toggle('retake-failed', Boolean(badge && badge.status === 'failed'));
    if (!badge) return;
    if (!parts) {
      const media = mediaById.get(clip.media_id);
      parts = retakeParts(badge, media ? media.name : 'the clip');
      node.reelcutRetake = parts;
      node.append(parts.root);
    }
    parts.text.textContent = badge.text;
    parts.root.title = badge.text;
    parts.span.hidden = !badge.span;
    if (badge.span) {
      parts.span.style.setProperty('--from', String(badge.span.from));
      parts.span.style.setProperty('--to', String(badge.span.to));
    }
    parts.bar.hidden = badge.progress === null;
    parts.bar.style.setProperty('--progress', String(badge.progress || 0));
    parts.bar.setAttribute('aria-valuenow', String(Math.round((badge.progress || 0) * 100)));
  }

  // every clip element on screen brought up to date with the retakes
  function updateRetakes() {
    for (const lane of lanes.values()) {
      for (const [id, { node }] of lane.clips) {
        const shown = retakes.get(id);
        const clip = shown ? lane.track.clips.find((c) => c.id === id) : null;
        if (shown && clip && !clip.placeholder) showRetake(node, clip, shown);
        else if (node.reelcutRetake) showRetake(node, clip, null);
      }
    }
  }

  function clipNode(clip, track) {
    if (clip.placeholder) return placeholderNode(clip, track);
    const media = mediaById.get(clip.media_id);
    const isText = track.kind === 'text';
    // an offline clip (a timeline file's media not found): a striped card until it is relinked
    const label = clip.offline ? `Offline: ${clip.offline.name}`
      : isText || track.kind === 'captions' ? clip.text : media ? media.name : 'Missing media';
    const node = h('div', {
      class: `clip${clip.offline ? ' offline' : ''}${selected.has(clip.id) ? ' selected' : ''}`,
      dataset: { clipId: clip.id, mediaId: clip.media_id || '', ...(clip.offline ? { offline: clip.offline.name } : {}) },
      title: clip.offline ? `${label} — select it and Relink…, or drop a media item on it` : label, role: 'option', 'aria-selected': String(selected.has(clip.id)), tabindex: clip.id === focusedId ? '0' : '-1',
    }, h('span', { class: 'clip-label', text: label }));
    place(node, clip.start, clipLength(clip));
    const width = timeToX(clipLength(clip), doc.zoom);
    // its keyframes, as diamonds where they are (times are from the clip's start, so they move
    // with it); the inspector names and edits them
    const times = new Set(Object.values(clip.keyframes ?? {}).flat().map((k) => k.time));
    if (times.size) {
      node.dataset.keyframes = String(times.size);
      for (const t of times) {
        const diamond = h('span', { class: 'keyframe', 'aria-hidden': 'true' });
        diamond.style.setProperty('--t', String(t));
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
    // by the keyboard: [ and ] trim the focused clip to the playhead
    const left = h('div', { class: 'handle start', dataset: { handle: 'start' }, title: 'Trim start ([)' });
    const right = h('div', { class: 'handle end', dataset: { handle: 'end' }, title: 'Trim end (])' });
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
      // an option of the track's listbox (selected with the clip it leads into), not a tab stop of
      // its own: by the keyboard it is edited in the inspector of that clip
      role: 'option', tabindex: '-1', 'aria-selected': String(selected.has(clip.id)),
      onclick: () => emit(el, 'selectclips', { ids: [clip.id] }),
    }, h('span', { class: 'transition-label', text: name }));
    place(node, clip.start, duration);
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
        node.style.width = '';
        if (next !== duration) emit(el, 'settransition', { clipId: clip.id, type, duration: next });
      };
      grip.addEventListener('pointermove', move);
      grip.addEventListener('pointerup', up);
    });
    node.append(grip);
    return node;
  }

  // A drop snaps as a move does: its start, or else its end, to 0, a clip's edge, the playhead or
  // a marker within SNAP_PX (while snapping is on).
  function snappedDrop(start, media) {
    if (!snapping) return start;
    const points = snapPoints(doc, [], playhead);
    const threshold = SNAP_PX / doc.zoom;
    const byStart = snap(start, points, threshold);
    if (byStart.guide !== null) return byStart.time;
    const length = media && media.kind !== 'image' && media.duration ? media.duration : null;
    if (length === null) return start;
    const byEnd = snap(start + length, points, threshold);
    return byEnd.guide !== null ? byEnd.time - length : start;
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
      dataset: { trackId: track.id }, role: 'listbox', 'aria-multiselectable': 'true', 'aria-orientation': 'horizontal',
      'aria-label': `Track ${track.name || track.id}` });
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
      // a media item dropped on an offline clip relinks it (and every offline clip of that name)
      const offline = e.target instanceof Element ? e.target.closest('.clip.offline') : null;
      if (offline) { emit(el, 'relinkclip', { name: offline.dataset.offline, mediaId }); return; }
      const x = e.clientX - row.getBoundingClientRect().left;
      emit(el, 'dropclip', { trackId: track.id, mediaId, start: snappedDrop(xToTime(x, doc.zoom), mediaById.get(mediaId)) });
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
      track.kind !== 'text' && track.kind !== 'captions' ? flag('muted', 'M', 'M') : null, // nothing on them sounds
      track.kind !== 'audio' ? flag('hidden', 'H', 'H') : null,
      h('button', { type: 'button', class: 'icon ghost', text: '✕', 'aria-label': `Remove track ${name}`,
        onclick: () => emit(el, 'trackop', { op: 'remove', trackId: track.id }) }));
  }

  // -- rendering --------------------------------------------------------------------------
  // the element at `start` for `length` seconds, by the variables the zoom scales
  function place(node, start, length) {
    node.style.setProperty('--start', String(start));
    node.style.setProperty('--len', String(length));
  }

  // the ruler's labels, only over the visible stretch (like the clips): redrawn when the step or
  // the stretch changes
  let rulerShown = '';
  function drawRuler(seconds) {
    const step = rulerStep(doc.zoom);
    const [t0, t1] = windowNow();
    const from = Math.floor(t0 / step) * step;
    const to = Math.min(seconds, Math.ceil(t1 / step) * step);
    const key = `${step}|${from}|${to}`;
    if (key === rulerShown) return;
    rulerShown = key;
    clear(ticks);
    for (let t = from; t < to; t += step) {
      const tick = h('span', { class: 'tick', text: `${Math.floor(t / 60)}:${String(t % 60).padStart(2, '0')}` });
      tick.style.setProperty('--t', String(t));
      ticks.append(tick);
    }
  }

  // Keep the playhead in view: when it leaves the visible stretch (playing on, a jump), the view
  // turns a page so it shows near the left edge.
  function followPlayhead() {
    const x = playhead * doc.zoom;
    const { scrollLeft, clientWidth } = scroller;
    if (clientWidth && (x < scrollLeft || x > scrollLeft + clientWidth - 20)) scroller.scrollLeft = Math.max(0, x - 40);
  }

  function movePlayhead() {
    if (!doc) return;
    head.style.setProperty('--t', String(playhead));
    clock.textContent = timecode(playhead, doc.fps);
  }

  // The In and Out points (the export's range) on the ruler, the stretch between them shaded.
  const inMark = h('span', { class: 'inout-mark in-mark', hidden: true, title: 'In point (I)' });
  const outMark = h('span', { class: 'inout-mark out-mark', hidden: true, title: 'Out point (O)' });
  const inOutSpan = h('span', { class: 'inout-span', hidden: true });
  ruler.append(inOutSpan, inMark, outMark);
  let marks = { in: null, out: null };
  function drawInOut() {
    const place = (node, t) => {
      node.hidden = t === null || t === undefined;
      if (!node.hidden) node.style.setProperty('--t', String(t));
    };
    place(inMark, marks.in);
    place(outMark, marks.out);
    inOutSpan.hidden = marks.in === null || marks.out === null;
    if (!inOutSpan.hidden) {
      inOutSpan.style.setProperty('--t', String(marks.in));
      inOutSpan.style.setProperty('--len', String(marks.out - marks.in));
    }
    if (doc) {
      inMark.dataset.time = marks.in === null ? '' : String(marks.in);
      outMark.dataset.time = marks.out === null ? '' : String(marks.out);
      inMark.title = marks.in === null ? '' : `In point at ${timecode(marks.in, doc.fps)} (I)`;
      outMark.title = marks.out === null ? '' : `Out point at ${timecode(marks.out, doc.fps)} (O)`;
    }
    clearMarks.hidden = marks.in === null && marks.out === null;
  }

  // The document's markers on the ruler: pressed, the playhead goes there; dragged, the marker
  // moves; double-clicked, its name is edited in place; Delete removes the focused one.
  const markerLayer = h('div', { class: 'markers' });
  ruler.append(markerLayer);
  let markersShown = '';
  function drawMarkers() {
    const key = JSON.stringify(doc.markers ?? []);
    if (key === markersShown) return;
    markersShown = key;
    clear(markerLayer);
    for (const marker of doc.markers ?? []) markerLayer.append(markerNode(marker));
  }

  function markerNode(marker) {
    const node = h('button', {
      type: 'button', class: 'marker', title: `${marker.name} (${timecode(marker.time, doc.fps)})`,
      'aria-label': `Marker ${marker.name} at ${timecode(marker.time, doc.fps)}`, dataset: { markerId: marker.id },
      onkeydown: (e) => {
        if (e.key === 'Delete' || e.key === 'Backspace') { e.preventDefault(); e.stopPropagation(); emit(el, 'deletemarker', { id: marker.id }); }
        if (e.key === 'Enter') { e.preventDefault(); e.stopPropagation(); rename(); }
      },
      ondblclick: () => rename(),
    }, h('span', { class: 'marker-name', text: marker.name }));
    if (marker.color) node.style.setProperty('--marker', marker.color);
    node.style.setProperty('--t', String(marker.time));
    node.addEventListener('pointerdown', (e) => {
      e.stopPropagation(); // not a seek of the ruler under it
      if (e.button !== 0) return;
      capture(node, e.pointerId);
      const x0 = e.clientX;
      let time = marker.time;
      let moved = false;
      const move = (m) => {
        if (!moved && Math.abs(m.clientX - x0) < 4) return;
        moved = true;
        time = Math.max(0, marker.time + (m.clientX - x0) / doc.zoom);
        node.style.setProperty('--t', String(time));
      };
      const up = () => {
        node.removeEventListener('pointermove', move);
        node.removeEventListener('pointerup', up);
        if (moved) emit(el, 'movemarker', { id: marker.id, time });
        else emit(el, 'seek', { time: marker.time });
      };
      node.addEventListener('pointermove', move);
      node.addEventListener('pointerup', up);
    });
    function rename() {
      const input = h('input', { type: 'text', class: 'marker-rename', value: marker.name, maxlength: 200, 'aria-label': 'Marker name' });
      input.style.setProperty('--t', String(marker.time));
      let finished = false; // removing a focused field blurs it: the blur must not end it twice
      const done = (commit) => {
        if (finished) return;
        finished = true;
        input.remove();
        if (commit && input.value.trim() && input.value !== marker.name) emit(el, 'renamemarker', { id: marker.id, name: input.value.trim() });
      };
      input.addEventListener('keydown', (e) => {
        e.stopPropagation();
        if (e.key === 'Enter') done(true);
        if (e.key === 'Escape') done(false);
      });
      input.addEventListener('blur', () => done(true));
      input.addEventListener('pointerdown', (e) => e.stopPropagation());
      markerLayer.append(input);
      input.focus();
      input.select();
    }
    return node;
  }

  // track id -> {track, row, header, headerKey, clips: Map(id -> {node, sig}), transitions: Map}
  const lanes = new Map();
  let gesture = false; // a clip is being dragged: its lane is left alone until it ends
  let zoomShown = 50; // the zoom the lanes are drawn at
  let snapping = true;

  function laneFor(track) {
    let lane = lanes.get(track.id);
    const headerKey = `${track.name}|${track.kind}|${track.muted}|${track.hidden}`;
    if (!lane) {
      lane = { track, row: trackRow(track), header: trackHeader(track), headerKey, clips: new Map(), transitions: new Map() };
      lanes.set(track.id, lane);
    } else if (lane.headerKey !== headerKey || lane.track.kind !== track.kind) {
      const header = trackHeader(track);
      lane.header.replaceWith(header);
      lane.header = header;
      lane.headerKey = headerKey;
      lane.row.className = `track ${track.kind}${track.hidden ? ' is-hidden' : ''}${track.muted ? ' is-muted' : ''}`;
      lane.row.setAttribute('aria-label', `Track ${track.name || track.id}`);
    }
    lane.track = track; // the row's drop and drag handlers read the track of the latest document
    return lane;
  }

  // A clip's signature, worked out once per clip object (an edit shares the clips it did not touch)
  // and again only when its media item changed.
  const signatures = new WeakMap();
  function signatureOf(clip) {
    const media = mediaById.get(clip.media_id);
    const known = signatures.get(clip);
    if (known && known.media === media) return known.sig;
    const sig = clipSignature(clip, media);
    signatures.set(clip, { media, sig });
    return sig;
  }

  const windowNow = () => visibleWindow(scroller.scrollLeft, scroller.clientWidth || 1200, doc.zoom);

  // One lane brought up to date: only the elements whose clip changed (or came into or left the
  // visible stretch) are touched.
  function renderLane(lane, win) {
    const { track } = lane;
    const sigOf = signatureOf;
    const shown = new Map([...lane.clips].map(([id, v]) => [id, v.sig]));
    const plan = planLane(shown, track.clips, sigOf, win);
    for (const id of plan.remove) { lane.clips.get(id).node.remove(); lane.clips.delete(id); }
    for (const clip of plan.replace) {
      const node = clipNode(clip, track);
      lane.clips.get(clip.id).node.replaceWith(node);
      lane.clips.set(clip.id, { node, sig: sigOf(clip) });
    }
    for (const clip of plan.add) {
      const node = clipNode(clip, track);
      lane.row.append(node);
      lane.clips.set(clip.id, { node, sig: sigOf(clip) });
    }
    // a clip element made anew (come into view, or its clip changed) shows its retake too
    for (const clip of [...plan.replace, ...plan.add]) {
      if (retakes.has(clip.id) && !clip.placeholder) showRetake(lane.clips.get(clip.id).node, clip, retakes.get(clip.id));
    }
    const withTransition = track.clips.filter((c) => c.transition_in);
    const shownTransitions = new Map([...lane.transitions].map(([id, v]) => [id, v.sig]));
    const tplan = planLane(shownTransitions, withTransition, transitionSignature, win);
    for (const id of tplan.remove) { lane.transitions.get(id).node.remove(); lane.transitions.delete(id); }
    for (const clip of [...tplan.replace, ...tplan.add]) {
      const node = transitionNode(clip);
      const old = lane.transitions.get(clip.id);
      if (old) old.node.replaceWith(node); else lane.row.append(node);
      lane.transitions.set(clip.id, { node, sig: transitionSignature(clip) });
    }
  }

  function render() {
    if (!doc) return;
    // a clip that had the keyboard's focus and is rebuilt (split, trimmed…) keeps it on its new
    // element (one focused by a click does not: the view must not scroll under the mouse)
    const active = document.activeElement;
    const hadFocus = Boolean(active && active.matches && active.matches('.clip[data-clip-id]:focus-visible') && tracks.contains(active));
    const seconds = Math.max(timelineEnd(doc) + 10, MIN_SECONDS);
    content.style.setProperty('--zoom', String(doc.zoom));
    zoomShown = doc.zoom;
    content.style.setProperty('--seconds', String(seconds));
    zoomInput.value = String(Math.round(doc.zoom));
    drawRuler(seconds);
    const ids = new Set(doc.tracks.map((t) => t.id));
    for (const [id, lane] of lanes) {
      if (!ids.has(id)) { lane.row.remove(); lane.header.remove(); lanes.delete(id); }
    }
    const win = windowNow();
    doc.tracks.forEach((track, i) => {
      const lane = laneFor(track);
      if (tracks.children[i] !== lane.row) tracks.insertBefore(lane.row, tracks.children[i] ?? null);
      if (headers.children[i] !== lane.header) headers.insertBefore(lane.header, headers.children[i] ?? null);
      renderLane(lane, win);
    });
    drawMarkers();
    markSelection();
    movePlayhead();
    if (hadFocus && !tracks.contains(document.activeElement) && focusedId) focusClip(focusedId);
  }

  // a scroll brings the clips of the new stretch into the DOM (at most once a frame)
  let rewindow = 0;
  scroller.addEventListener('scroll', () => {
    if (rewindow || !doc) return;
    rewindow = requestAnimationFrame(() => {
      rewindow = 0;
      if (!doc || gesture) return;
      const win = windowNow();
      for (const lane of lanes.values()) renderLane(lane, win);
      drawRuler(Math.max(timelineEnd(doc) + 10, MIN_SECONDS));
      markSelection();
    });
  });

  // A zoom: one change of --zoom, the ruler's labels if their step changed, and the scroll that
  // keeps the anchor (the playhead, or the time under the pointer) where it was on screen.
  function zoomTo(zoom, anchor) {
    const before = zoomShown; // the document may hold the new zoom already (it is the app's object)
    doc.zoom = zoom;
    zoomShown = zoom;
    content.style.setProperty('--zoom', String(zoom));
    zoomInput.value = String(Math.round(zoom));
    scroller.scrollLeft = anchoredScroll(anchor ?? playhead, scroller.scrollLeft, before, zoom);
    drawRuler(Math.max(timelineEnd(doc) + 10, MIN_SECONDS));
    const win = windowNow();
    for (const lane of lanes.values()) renderLane(lane, win);
    markSelection();
    movePlayhead();
  }

  // The roving focus: the focused clip is the timeline's one tab stop (tabindex 0, the others -1).
  // When it is not in the DOM (windowed out) or there is no clip, the scroll area is the tab stop
  // and hands the focus on to the clip, scrolled into view.
  function rove() {
    if (!doc) return;
    focusedId = initialFocus(doc, { focused: focusedId, selected: [...selected], playhead });
    let shown = false;
    for (const lane of lanes.values()) {
      for (const [id, { node }] of lane.clips) {
        const on = id === focusedId;
        shown ||= on;
        if (node.tabIndex !== (on ? 0 : -1)) node.tabIndex = on ? 0 : -1;
      }
    }
    if (shown) scroller.removeAttribute('tabindex'); else scroller.tabIndex = 0;
  }

  function nodeOf(id) {
    for (const lane of lanes.values()) if (lane.clips.has(id)) return lane.clips.get(id).node;
    return null;
  }

  // Focus a clip: scrolled into view first (only clips near the view are in the DOM), then focused.
  function focusClip(id) {
    const found = doc && doc.tracks.flatMap((t) => t.clips).find((c) => c.id === id);
    if (!found) return;
    focusedId = id;
    const x = timeToX(found.start, doc.zoom);
    const width = scroller.clientWidth || 1200;
    if (x < scroller.scrollLeft || x > scroller.scrollLeft + width - 60) {
      scroller.scrollLeft = Math.max(0, x - 60);
      const win = windowNow();
      for (const lane of lanes.values()) renderLane(lane, win);
      drawRuler(Math.max(timelineEnd(doc) + 10, MIN_SECONDS));
      markSelection();
    }
    rove();
    const node = nodeOf(id);
    if (node) node.focus();
  }
  scroller.addEventListener('focus', () => { if (doc && focusedId) focusClip(focusedId); });
  tracks.addEventListener('focusin', (e) => {
    const node = e.target.closest && e.target.closest('.clip[data-clip-id]');
    if (node && node.dataset.clipId !== focusedId) { focusedId = node.dataset.clipId; rove(); }
  });
  el.addEventListener('movefocus', (e) => {
    if (!doc) return;
    const next = nextFocus(doc, e.detail.clipId, e.detail.key);
    if (next) focusClip(next);
  });

  function markSelection() {
    for (const lane of lanes.values()) {
      for (const [id, { node }] of lane.clips) {
        const on = selected.has(id);
        if (node.classList.contains('selected') !== on) {
          node.classList.toggle('selected', on);
          node.setAttribute('aria-selected', String(on));
        }
      }
      for (const [id, { node }] of lane.transitions) node.setAttribute('aria-selected', String(selected.has(id)));
    }
    rove();
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
    snapping = e.detail.snapping !== false;
    snapButton.setAttribute('aria-pressed', String(snapping));
    undoButton.disabled = !e.detail.canUndo;
    redoButton.disabled = !e.detail.canRedo;
    playhead = doc.playhead || 0;
    marks = e.detail.marks || { in: null, out: null };
    drawInOut();
    fillButton.disabled = !gapUnderPlayhead(doc, playhead);
    hereButton.disabled = !spotUnderPlayhead(doc, playhead, [...selected]);
    const one = selected.size === 1 ? findClip(doc, [...selected][0]) : null;
    extendButton.disabled = !(one && one.track.kind === 'video' && one.clip.media_id !== undefined);
    retakeButton.disabled = extendButton.disabled;
    // Add sound and Upscale work on one video clip too (the action says why a clip with sound
    // or an image does not fit)
    soundButton.disabled = extendButton.disabled;
    upscaleButton.disabled = extendButton.disabled;
    el.hidden = false;
    if (selectionOnly) markSelection(); else render();
  });
  el.addEventListener('zoomlevel', (e) => {
    if (!doc) return;
    zoomTo(e.detail.zoom, e.detail.anchor);
    if (e.detail.fit) scroller.scrollLeft = 0; // the whole timeline, from its start
  });
  el.addEventListener('jobs', (e) => {
    jobs = new Map(e.detail.jobs.map((j) => [j.id, j]));
    retakes = retakesByClip(e.detail.jobs);
    updatePlaceholders();
    updateRetakes();
  });
  el.addEventListener('models', (e) => {
    models = e.detail.models;
    updateRetakes();
  });
  el.addEventListener('playhead', (e) => {
    playhead = e.detail.time;
    fillButton.disabled = !gapUnderPlayhead(doc, playhead);
    hereButton.disabled = !spotUnderPlayhead(doc, playhead, [...selected]);
    movePlayhead();
    if (doc) followPlayhead();
  });
  el.addEventListener('noproject', () => {
    doc = null;
    el.hidden = true;
    for (const lane of lanes.values()) { lane.row.remove(); lane.header.remove(); }
    lanes.clear();
    rulerShown = '';
    markersShown = '';
    marks = { in: null, out: null };
    drawInOut();
  });
  return { exportSlot, headerWidth: HEADER_PX };
}
