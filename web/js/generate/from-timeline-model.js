// Extend and Fill from the timeline: which models fit each, the gap under the playhead, the
// length a model will make for a gap (the server snaps the same way) and the cost shown before
// anything runs. Pure.
import { clipLength } from '../timeline/values.js';
import { defaults, estimate } from './params-model.js';

const TOUCH = 1e-6;

function imageSources(model) {
  const inputs = model.inputs || (model.mode === 'image'
    ? [{ from: 'image_media_id', kind: 'image', required: true }] : []);
  return new Map(inputs.filter((i) => i.kind === 'image').map((i) => [i.from, i]));
}

// Models that extend a clip (Extend): those that take a start frame and need no end frame (the
// clip's last frame), and, for a video clip, those that continue the video itself (extend-video).
export function extendModels(models, { video = true } = {}) {
  return models.filter((m) => {
    const s = imageSources(m);
    if (s.has('image_media_id') && !(s.get('end_image_media_id') || {}).required) return true;
    return video && takesVideo(m) && !hasRange(m);
  });
}

// Whether Extend with this model continues the video itself rather than its last frame.
export const continuesVideo = (model) => takesVideo(model) && !hasRange(model);

// Models that take a first and a last frame (Fill).
export function fillModels(models) {
  return models.filter((m) => {
    const s = imageSources(m);
    return s.has('image_media_id') && s.has('end_image_media_id');
  });
}

// The model's duration value nearest to `seconds`, as the model types it, and its seconds; ties
// go to the shorter (it fits the gap). Mirrors generation/placements.py's snap_duration.
export function snapDuration(model, seconds) {
  const spec = model.params.find((p) => p.name === 'duration');
  if (!spec) return { value: undefined, seconds: Number(model.fixed_duration ?? 5) };
  if (spec.choices && spec.choices.length) {
    const options = spec.choices.map((c) => ({ value: c, seconds: Number(String(c).replace(/s$/, '')) }));
    options.sort((a, b) => (Math.abs(a.seconds - seconds) - Math.abs(b.seconds - seconds)) || (a.seconds - b.seconds));
    return options[0];
  }
  const low = Number(spec.min ?? 1);
  const high = Number(spec.max ?? seconds);
  let length = Math.min(Math.max(seconds, low), high);
  if (spec.type === 'integer') length = Math.min(Math.max(Math.round(length), Math.ceil(low)), Math.floor(high));
  return { value: length, seconds: length };
}

// The gap at time t on a video track, between two media clips: {trackId, start, end}, or null.
export function gapAt(track, t) {
  if (!track || track.kind !== 'video') return null;
  const spans = track.clips.map((c) => ({ clip: c, start: c.start, end: c.start + clipLength(c) }));
  if (spans.some((s) => s.start + TOUCH < t && t < s.end - TOUCH)) return null;
  const left = spans.filter((s) => s.end <= t + TOUCH).sort((a, b) => b.end - a.end)[0];
  const right = spans.filter((s) => s.start >= t - TOUCH).sort((a, b) => a.start - b.start)[0];
  if (!left || !right || right.start - left.end <= TOUCH) return null;
  if (left.clip.media_id === undefined || right.clip.media_id === undefined) return null;
  return { trackId: track.id, start: left.end, end: right.start };
}

// The first gap under the playhead, on the tracks from the top.
export function gapUnderPlayhead(doc, t) {
  for (const track of doc ? doc.tracks : []) {
    const gap = gapAt(track, t);
    if (gap) return gap;
  }
  return null;
}

// What Extend with this model costs, at its default parameters.
export function extendCost(model) {
  return estimate(model, defaults(model));
}

// What Fill costs for a gap: the model's length nearest the gap's, and whether it had to snap.
export function fillPlan(model, gapSeconds) {
  const snapped = snapDuration(model, gapSeconds);
  const values = { ...defaults(model) };
  if (snapped.value !== undefined) values.duration = snapped.value;
  return { cost: estimate(model, values), seconds: snapped.seconds, snapped: Math.abs(snapped.seconds - gapSeconds) > 1e-3 };
}

// The prompt a clip was generated from, to start Extend with ('' when it was not generated).
export function clipPrompt(media) {
  const source = (media && media.source) || {};
  return source.type === 'generation' && typeof source.prompt === 'string' ? source.prompt : '';
}

// What a placeholder clip says: its state and, while its job runs, how far it is.
export function placeholderLabel(clip, job) {
  const ph = clip.placeholder;
  if (ph.status === 'failed') return `Failed: ${ph.reason || 'the generation failed'}`;
  if (ph.status === 'cancelled') return 'Cancelled';
  const pct = job && typeof job.progress === 'number' ? ` ${Math.round(job.progress * 100)}%` : '';
  return `Generating…${pct}`;
}

// Voice-over, Add sound and Upscale: the models for each, by what they make from what (registry
// `mode` and `output`; upscalers carry `task: 'upscale'`). Mirrors generation/placements.py.
const outputOf = (m) => m.output || 'video';
export const voiceModels = (models) => models.filter((m) => m.mode === 'text' && outputOf(m) === 'audio');
export const soundModels = (models) => models.filter((m) => m.mode === 'video' && outputOf(m) === 'audio');
export const upscaleModels = (models) => models.filter((m) => m.mode === 'video' && m.task === 'upscale');

// What a model costs on a media item of `seconds` (its length follows the input), at its defaults.
export function mediaCost(model, seconds) {
  const values = { ...defaults(model) };
  if (!model.duration_from) return estimate(model, values);
  delete values.duration; // the server sends the media's own length
  return estimate({ ...model, fixed_duration: seconds }, values);
}

// Why Add sound or Upscale (`action`) cannot run on this clip (a message), or null. `media`: its
// library item.
export function mediaClipProblem(found, media, action) {
  if (!found || found.track.kind !== 'video' || found.clip.media_id === undefined || !media || media.kind !== 'video') {
    return `Select one video clip for ${action}.`;
  }
  if (action === 'Add sound' && media.audio_codec) return 'This clip has sound already: Add sound is for silent clips.';
  return null;
}

// Models that make a video clip from a prompt alone (Generate here): voice and image models take a
// text prompt too, but make no clip for a video track.
export function textModels(models) {
  return models.filter((m) => m.mode === 'text' && outputOf(m) === 'video');
}

// The empty spot at time t on a video track: {trackId, at, room} (room: seconds to the next clip,
// null when nothing follows), or null when t is inside a clip or right at a clip's start.
export function spotAt(track, t) {
  if (!track || track.kind !== 'video' || !(t >= 0)) return null;
  const spans = track.clips.map((c) => ({ start: c.start, end: c.start + clipLength(c) }));
  if (spans.some((s) => s.start - TOUCH < t && t < s.end - TOUCH)) return null;
  const next = spans.filter((s) => s.start >= t - TOUCH).sort((a, b) => a.start - b.start)[0];
  return { trackId: track.id, at: t, room: next ? next.start - t : null };
}

// Where Generate here puts its clip: on the track of the selected clip when it is a video track,
// else on the main video track (V1: the lowest, as the document lists tracks top first, so the
// new clip is not laid over the edit); null when the playhead is not on an empty spot there.
export function spotUnderPlayhead(doc, t, selectedIds = []) {
  if (!doc) return null;
  const videos = doc.tracks.filter((tr) => tr.kind === 'video');
  const chosen = videos.find((tr) => tr.clips.some((c) => selectedIds.includes(c.id))) || videos[videos.length - 1];
  return spotAt(chosen, t);
}

// What Generate here with this model makes: its default length when that fits the room before
// the next clip, else the longest length it offers that does (the server refuses a clip that does
// not fit rather than cutting it). {cost, seconds, value (the duration to send, as the model types
// it; undefined: the default), shortened, fits}.
export function herePlan(model, room) {
  const values = defaults(model);
  const spec = model.params.find((p) => p.name === 'duration');
  const asSeconds = (v) => Number(String(v).replace(/s$/, ''));
  const seconds = asSeconds(values.duration ?? model.fixed_duration ?? 5);
  const plan = (value, length, shortened) => {
    const chosen = value === undefined ? values : { ...values, duration: value };
    return { cost: estimate(model, chosen), seconds: length, value, shortened, fits: true };
  };
  if (room === null || seconds <= room + TOUCH) return plan(undefined, seconds, false);
  let best;
  if (spec && spec.choices && spec.choices.length) {
    best = spec.choices.map((c) => ({ value: c, seconds: asSeconds(c) }))
      .filter((o) => o.seconds <= room + TOUCH).sort((a, b) => b.seconds - a.seconds)[0];
  } else if (spec) {
    const length = spec.type === 'integer' ? Math.floor(room + TOUCH) : room;
    if (length >= Number(spec.min ?? 1) - TOUCH) best = { value: length, seconds: length };
  }
  if (!best) return { cost: estimate(model, values), seconds, value: undefined, shortened: false, fits: false };
  return plan(best.value, best.seconds, true);
}

// Models that make a range of a video again (Retake): a video input and a start_time parameter.
// Mirrors generation/placements.py's is_retake_model (extend-video: is_extend_video_model).
export function retakeModels(models) {
  return models.filter((m) => takesVideo(m) && hasRange(m));
}

// A model that makes a new video from a video: not sound for it, nor the same video larger.
// Mirrors generation/placements.py's _takes_video.
function takesVideo(m) {
  return outputOf(m) === 'video' && m.task !== 'upscale'
    && (m.inputs || []).some((i) => i.kind === 'video' && i.from === 'video_media_id');
}

const hasRange = (m) => m.params.some((p) => p.name === 'start_time');

// The range Retake remakes, in timeline seconds: the In/Out marks where they fall inside the
// clip, else the clip's edge on that side. Null when the marks leave nothing of the clip.
export function retakeRange(clip, marks = {}) {
  const begin = clip.start;
  const finish = clip.start + clipLength(clip);
  const start = marks.in === null || marks.in === undefined ? begin : Math.max(begin, marks.in);
  const end = marks.out === null || marks.out === undefined ? finish : Math.min(finish, marks.out);
  return end - start > TOUCH ? { start, end } : null;
}

// What Retake of `range` costs with this model, and whether the model takes it: the range in the
// source's seconds (the clip's in + offset × speed) against the model's start_time and duration
// bounds, as the server checks them (it answers invalid_range otherwise).
// {cost, startTime, seconds, fits, why}.
export function retakePlan(model, clip, range) {
  const speed = Number(clip.speed || 1);
  const startTime = clip.in + (range.start - clip.start) * speed;
  const seconds = (range.end - range.start) * speed;
  const cost = estimate(model, { ...defaults(model), start_time: startTime, duration: seconds });
  const spec = (name) => model.params.find((p) => p.name === name) || {};
  const over = (name, value, what) => {
    const { min, max } = spec(name);
    if (min !== undefined && min !== null && value < Number(min) - TOUCH) return `its ${what} must be at least ${Number(min)} s`;
    if (max !== undefined && max !== null && value > Number(max) + TOUCH) return `its ${what} must be at most ${Number(max)} s`;
    return '';
  };
  const why = over('start_time', startTime, 'start in the source') || over('duration', seconds, 'length');
  return { cost, startTime, seconds, fits: !why, why };
}
