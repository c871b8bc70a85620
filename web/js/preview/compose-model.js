// What the compositor draws and the mixer plays at a time t, as pure functions on the timeline
// document (no DOM; tested with node). It is the page's mirror of the export's layers.py,
// placement.py and sound.py: every value comes from timeline/values.js (the twin of
// media/animation.py), and the transitions are the same two-layer recipes, so a paused preview
// and the exported frame at the same t show the same picture.
//
// Layers are listed bottom first: the first track in the document is the top of the stack, and
// within a track the clip transitioning in lies over the one it replaces.
import { clipLength, opacityAt, propertyAt, transitionAt, volumeAt } from '../timeline/values.js';
import { captionClips } from '../captions/wrap-model.js';

const DIPS = { dip_black: '#000000', dip_white: '#ffffff' };
const EPS = 1e-6;

// A track's media clips in timeline order, each knowing the clip that transitions in over its
// end (`incoming`), as placement.py's place_track. Worked out once per track object: an edit
// makes new track objects, and playing asks for every track on every frame.
const placedTracks = new WeakMap();
export function placeTrack(track) {
  let placed = placedTracks.get(track);
  if (!placed) {
    placed = placeClips(track);
    placedTracks.set(track, placed);
  }
  return placed;
}

function placeClips(track) {
  const placed = track.clips
    .filter((c) => c.media_id !== undefined || c.offline !== undefined)
    .map((clip) => ({ clip, start: clip.start, end: clip.start + clipLength(clip), incoming: null }))
    .sort((a, b) => a.start - b.start);
  for (let i = 0; i + 1 < placed.length; i += 1) {
    if (placed[i + 1].clip.transition_in) placed[i].incoming = placed[i + 1];
  }
  return placed;
}

function own(p, t) {
  return transitionAt(p.clip, t - p.start);
}

function outgoing(p, t) {
  return p.incoming ? own(p.incoming, t) : null;
}

function dipMidpoint(p) {
  const tr = p.clip.transition_in;
  return tr && DIPS[tr.type] ? p.start + tr.duration / 2 : null;
}

// A dip shows the incoming picture only from its midpoint, and the outgoing one only up to it.
function pictureSpan(p) {
  const mid = dipMidpoint(p);
  const outMid = p.incoming ? dipMidpoint(p.incoming) : null;
  return [mid ?? p.start, outMid !== null ? Math.min(p.end, outMid) : p.end];
}

// Where in its media a clip is at timeline time t (speed included).
export function sourceTime(clip, t) {
  return clip.in + (t - clip.start) * (clip.speed ?? 1);
}

// One layer's look at timeline time t, in canvas fractions: centre (x, y), scale (1 fits the
// canvas), rotation in degrees, alpha, a dip's colour and amount, a slide's offset `dx` (of the
// canvas width) and a wipe (`{side, edge}`: hidden left of the edge, or from it rightwards).
export function layerLook(p, t) {
  const { clip } = p;
  const local = t - p.start;
  const look = {
    x: propertyAt(clip, 'transform.x', local),
    y: propertyAt(clip, 'transform.y', local),
    scale: propertyAt(clip, 'transform.scale', local),
    rotation: propertyAt(clip, 'transform.rotation', local),
    alpha: opacityAt(clip, local),
    dip: 0,
    dipColor: DIPS.dip_black,
    dx: 0,
    wipe: null,
  };
  const mine = own(p, t);
  if (mine) {
    const [kind, q] = mine;
    if (kind === 'crossfade') look.alpha *= q;
    else if (DIPS[kind]) { look.dip = Math.min(1, Math.max(0, 2 - 2 * q)); look.dipColor = DIPS[kind]; }
    else if (kind === 'wipe_left') look.wipe = { side: 'left', edge: 1 - q };
    else if (kind === 'wipe_right') look.wipe = { side: 'right', edge: q };
    else if (kind === 'slide_left') look.dx = 1 - q;
    else if (kind === 'slide_right') look.dx = -(1 - q);
  }
  const out = outgoing(p, t);
  if (out) {
    const [kind, q] = out;
    if (DIPS[kind] && Math.min(1, 2 * q) > look.dip) { look.dip = Math.min(1, 2 * q); look.dipColor = DIPS[kind]; }
    else if (kind === 'slide_left') look.dx -= q;
    else if (kind === 'slide_right') look.dx += q;
  }
  return look;
}

const isMedia = (kinds, clip, kind) => kinds.get(clip.media_id) === kind;

// The picture layers at time t, bottom first: {track, clip, still, time (in the media), look}.
// Hidden tracks and sound-only media draw nothing; a layer too small to see is left out.
export function layersAt(doc, kinds, t) {
  if (!doc) return [];
  const layers = [];
  for (let i = doc.tracks.length - 1; i >= 0; i -= 1) {
    const track = doc.tracks[i];
    if (track.kind !== 'video' || track.hidden) continue;
    for (const p of placeTrack(track)) {
      if (isMedia(kinds, p.clip, 'audio')) continue;
      const [from, to] = pictureSpan(p);
      if (t < from - EPS || t >= to - EPS) continue;
      // an offline clip has no picture: the compositor draws a "Media offline" card in its place
      if (p.clip.offline) { layers.push({ track, clip: p.clip, offline: p.clip.offline.name, look: layerLook(p, t) }); continue; }
      const look = layerLook(p, t);
      if (look.scale * doc.width < 1 || look.scale * doc.height < 1 || look.alpha <= 0) continue;
      layers.push({ track, clip: p.clip, still: isMedia(kinds, p.clip, 'image'), time: sourceTime(p.clip, t), look });
    }
  }
  return layers;
}

// A clip's gain at time t: its (keyframed) volume and fades, the track's volume, and the
// crossfade of a transition in (rising) or over its end (falling), as sound.py's _gain.
export function gainAt(p, trackVolume, t) {
  let g = volumeAt(p.clip, t - p.start) * trackVolume;
  const mine = own(p, t);
  if (mine) g *= mine[1];
  const out = outgoing(p, t);
  if (out) g *= 1 - out[1];
  return Math.max(0, g);
}

// The sounds at time t: every clip with sound under the playhead on an unmuted track (a hidden
// video track still sounds, as in the export), but a clip whose audio is detached: {track, clip, time, gain, speed}.
export function soundsAt(doc, kinds, t) {
  if (!doc) return [];
  const sounds = [];
  for (const track of doc.tracks) {
    if (track.kind === 'text' || track.kind === 'captions' || track.muted) continue;
    for (const p of placeTrack(track)) {
      if (isMedia(kinds, p.clip, 'image') || p.clip.audio_detached || p.clip.offline) continue; // detached: its sound is its own clip
      if (t < p.start - EPS || t >= p.end - EPS) continue;
      sounds.push({ track, clip: p.clip, time: sourceTime(p.clip, t), gain: gainAt(p, track.volume ?? 1, t),
        speed: p.clip.speed ?? 1 });
    }
  }
  return sounds;
}

// The clips to have ready ahead of t: on every track, the next one to start within `ahead`
// seconds, so the cut to it does not wait for its file.
export function upcoming(doc, kinds, t, ahead = 3) {
  if (!doc) return [];
  const next = [];
  for (const track of doc.tracks) {
    if (track.kind === 'text' || track.kind === 'captions') continue;
    const later = placeTrack(track).filter((p) => !p.clip.offline && p.start > t + EPS && p.start <= t + ahead);
    if (later.length && !isMedia(kinds, later[0].clip, 'image')) next.push({ track, clip: later[0].clip, time: later[0].clip.in });
  }
  return next;
}

// Where a source of w x h pixels is drawn inside a box of bw x bh (the canvas times the scale),
// after its crop (fractions of the source): the source rectangle {sx, sy, sw, sh} and the size
// it is drawn at {dw, dh}, centred in the box. contain shows all of it (the rest of the box
// stays transparent), cover fills the box and cuts the overflow, stretch fills it exactly.
export function fitRect(w, h, crop, fit, bw, bh) {
  const c = crop ?? {};
  let sx = w * (c.left ?? 0);
  let sy = h * (c.top ?? 0);
  let sw = w * (1 - (c.left ?? 0) - (c.right ?? 0));
  let sh = h * (1 - (c.top ?? 0) - (c.bottom ?? 0));
  if (fit === 'stretch') return { sx, sy, sw, sh, dw: bw, dh: bh };
  if (fit === 'cover') {
    const r = Math.max(bw / sw, bh / sh);
    const vw = bw / r;
    const vh = bh / r;
    sx += (sw - vw) / 2;
    sy += (sh - vh) / 2;
    sw = vw;
    sh = vh;
    return { sx, sy, sw, sh, dw: bw, dh: bh };
  }
  const r = Math.min(bw / sw, bh / sh);
  return { sx, sy, sw, sh, dw: sw * r, dh: sh * r };
}

// The lines of a captions track as the export draws them (captions/wrap-model.js, the twin of
// media/captions.py): text clips with the merged style and the text already wrapped, worked out
// once per track object and canvas size (playing asks on every frame).
const captionCache = new WeakMap();
function captionTitles(track, doc) {
  const key = `${doc.width}x${doc.height}`;
  const cached = captionCache.get(track);
  if (cached && cached.key === key) return cached.clips;
  const clips = captionClips(track, doc.width, doc.height);
  captionCache.set(track, { key, clips });
  return clips;
}

// A title's style keys as the document has them (the compositor's title-layout.js fills in the
// defaults): font, bold, italic, outline, shadow, box, align, line_spacing.
const STYLE_KEYS = ['font', 'bold', 'italic', 'outline', 'shadow', 'box', 'align', 'line_spacing'];
export function pickStyle(source) {
  const style = {};
  for (const key of STYLE_KEYS) if (source[key] !== undefined) style[key] = source[key];
  return style;
}

// Text clips of visible text tracks at t, as the export's drawtext places them: centred on
// (x, y) in canvas fractions, `size` in canvas pixels (default a twelfth of its height), with
// their style's keys; `clipId` names a title's clip (a title dragged on the preview moves it).
// The lines of visible captions tracks come as titles too (no `clipId`: they are placed by their
// track's style), so the compositor draws them as titles.
export function titlesAt(doc, t) {
  if (!doc) return [];
  const out = [];
  for (let i = doc.tracks.length - 1; i >= 0; i -= 1) {
    const track = doc.tracks[i];
    if (track.hidden || (track.kind !== 'text' && track.kind !== 'captions')) continue;
    const clips = track.kind === 'captions' ? captionTitles(track, doc) : track.clips;
    for (const clip of clips) {
      if (t < clip.start - EPS || t >= clip.start + clip.duration - EPS) continue;
      out.push(titleOf(clip, doc, track.kind === 'text', t - clip.start));
    }
  }
  return out;
}

// What the compositor draws of a text clip (or a caption line as one), `t` seconds into it: its
// centre, size and alpha from values.js, as the export's compose.py samples them for the frame
// at that time. Scale multiplies the font size (not the outline, shadow or box padding); the
// alpha is quantized to the 8-bit level drawtext mixes with.
function titleOf(clip, doc, movable, t) {
  const size = Math.max(8, Math.trunc(clip.size || doc.height / 12));
  const alpha = Math.round(Math.min(1, Math.max(0, opacityAt(clip, t))) * 255) / 255;
  return { ...pickStyle(clip), ...(movable ? { clipId: clip.id } : {}), text: clip.text ?? '',
    x: propertyAt(clip, 'x', t), y: propertyAt(clip, 'y', t),
    size: Math.max(1, Math.round(size * propertyAt(clip, 'scale', t))), color: clip.color || '#ffffff', alpha };
}

// A placeholder (a clip still being generated) is drawn as a neutral card over its span, not as
// black: CARD is its colour, and its words say how far the job is or why it stopped.
export const CARD = { fill: '#2b2f36', ink: '#e8eaee', bar: '#6c8cff' };

export function cardText(placeholder, job) {
  if (placeholder.status === 'failed') return `Failed: ${placeholder.reason || 'the generation failed'}`;
  if (placeholder.status === 'cancelled') return `Cancelled${placeholder.reason && placeholder.reason !== 'Cancelled' ? `: ${placeholder.reason}` : ''}`;
  const progress = job && typeof job.progress === 'number' ? job.progress : null;
  return progress === null ? 'Generating…' : `Generating… ${Math.round(progress * 100)} %`;
}

// The picture layers at t with the placeholders' cards in the stack, bottom first: a card lies
// over the tracks below its own and under those above, as the clip it becomes will. A card is
// {card: {clipId, text, progress (0..1, or null), status}}. `jobs`: job id -> job.
export function stackAt(doc, layers, t, jobs = new Map()) {
  if (!doc) return layers;
  const out = [];
  for (let i = doc.tracks.length - 1; i >= 0; i -= 1) {
    const track = doc.tracks[i];
    out.push(...layers.filter((l) => l.track === track));
    if (track.kind !== 'video' || track.hidden) continue;
    for (const clip of track.clips) {
      const ph = clip.placeholder;
      if (!ph || t < clip.start - EPS || t >= clip.start + clipLength(clip) - EPS) continue;
      const job = jobs.get(ph.job_id);
      const progress = ph.status === 'running' && job && typeof job.progress === 'number' ? job.progress : null;
      out.push({ card: { clipId: clip.id, text: cardText(ph, job), progress, status: ph.status } });
    }
  }
  return out;
}
