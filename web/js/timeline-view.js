// The timeline: ruler, tracks, clips and playhead. Drops of media items become clips where they
// land; a click on the ruler seeks. Rendering only: the document comes down in `timeline`
// events, and edits go up as `dropclip` / `seek` / `zoom` actions.
import { h, emit, clear } from './dom.js';
import { timecode } from './format.js';
import { clipLength, timeToX, xToTime, timelineEnd } from './timeline-model.js';
import { MEDIA_MIME } from './media-panel.js';

const MIN_SECONDS = 60;

export function mountTimeline(el) {
  let doc = null;
  let mediaById = new Map();
  let playhead = 0;

  const clock = h('output', { class: 'timecode', 'aria-label': 'Timecode', text: timecode(0) });
  const zoomInput = h('input', {
    type: 'range', min: 5, max: 300, step: 1, 'aria-label': 'Zoom',
    oninput: () => emit(el, 'zoom', { zoom: Number(zoomInput.value) }),
  });
  const ruler = h('div', { class: 'ruler', dataset: { ruler: '' } });
  const tracks = h('div', { class: 'tracks' });
  const head = h('div', { class: 'playhead', 'aria-hidden': 'true' });
  const content = h('div', { class: 'timeline-content' }, ruler, tracks, head);
  const scroller = h('div', { class: 'timeline-scroll' }, content);
  el.append(h('div', { class: 'timeline-bar' }, h('h2', { text: 'Timeline' }), clock, h('label', { class: 'zoom' }, 'Zoom ', zoomInput)), scroller);

  ruler.addEventListener('click', (e) => {
    const x = e.clientX - ruler.getBoundingClientRect().left;
    emit(el, 'seek', { time: xToTime(x, doc.zoom) });
  });

  function trackRow(track, index) {
    const label = track.name || `${track.kind === 'audio' ? 'A' : 'V'}${index + 1}`;
    const row = h('div', { class: `track ${track.kind}`, dataset: { trackId: track.id }, 'aria-label': `Track ${label}` });
    row.append(h('span', { class: 'track-label', text: label }));
    for (const clip of track.clips) {
      const media = mediaById.get(clip.media_id);
      const node = h('div', { class: 'clip', dataset: { clipId: clip.id, mediaId: clip.media_id || '' }, title: media ? media.name : '' },
        h('span', { text: media ? media.name : clip.text || 'Missing media' }));
      node.style.left = `${timeToX(clip.start, doc.zoom)}px`;
      node.style.width = `${timeToX(clipLength(clip), doc.zoom)}px`;
      row.append(node);
    }
    row.addEventListener('dragover', (e) => {
      if (e.dataTransfer.types.includes(MEDIA_MIME)) {
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        row.classList.add('drop-target');
      }
    });
    row.addEventListener('dragleave', () => row.classList.remove('drop-target'));
    row.addEventListener('drop', (e) => {
      row.classList.remove('drop-target');
      const mediaId = e.dataTransfer.getData(MEDIA_MIME);
      if (!mediaId) return;
      e.preventDefault();
      const x = e.clientX - row.getBoundingClientRect().left;
      emit(el, 'dropclip', { trackId: track.id, mediaId, start: xToTime(x, doc.zoom) });
    });
    return row;
  }

  function drawRuler(width) {
    clear(ruler);
    const step = doc.zoom >= 80 ? 1 : doc.zoom >= 20 ? 5 : 15;
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
    zoomInput.value = String(doc.zoom);
    drawRuler(width);
    clear(tracks);
    doc.tracks.forEach((t, i) => tracks.append(trackRow(t, i)));
    movePlayhead();
  }

  el.addEventListener('timeline', (e) => {
    doc = e.detail.doc;
    mediaById = new Map(e.detail.media.map((m) => [m.id, m]));
    playhead = doc.playhead || 0;
    el.hidden = false;
    update();
  });
  el.addEventListener('playhead', (e) => {
    playhead = e.detail.time;
    movePlayhead();
  });
  el.addEventListener('noproject', () => { doc = null; el.hidden = true; });
}
