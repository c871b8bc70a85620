// Detach audio and Unlink, as pure functions on the document (no DOM). A detached video clip
// keeps its picture and is marked `audio_detached: true` (its own sound is no longer played, by
// the preview or the export); its sound is a clip of the same media on an audio track, with the
// same start, in, out and speed. Both share `link`, an id: moving one moves the other
// (edit-model moveClip), trimming is per clip. Unlink removes `link` and keeps audio_detached, so
// the sound is never doubled.
import { addTrack, findClip, fitOnTrack, linkedClips } from './edit-model.js';
import { clipLength, uid } from './timeline-model.js';

const EPS = 1e-6;
// What the sound clip takes from the video clip so it sounds as the video clip did
const SOUND_FIELDS = ['speed', 'volume', 'fade_in', 'fade_out'];

// Whether the clip can have its sound detached: a media clip on a video track, of media with
// sound, not detached already. `mediaById`: media id -> media item (its audio_codec).
export function canDetach(doc, clipId, mediaById) {
  const found = doc && findClip(doc, clipId);
  if (!found || found.track.kind !== 'video' || found.clip.media_id === undefined) return false;
  if (found.clip.audio_detached) return false;
  const media = mediaById.get(found.clip.media_id);
  return Boolean(media && media.audio_codec);
}

export function isLinked(doc, clipId) {
  const found = doc && findClip(doc, clipId);
  return Boolean(found && typeof found.clip.link === 'string');
}

// The video clip's sound on the first audio track with room for it at its time (a new audio
// track when none has): {doc, clip} with the new sound clip, or {doc, clip: null} when the clip
// cannot be detached.
export function detachAudio(doc, clipId, mediaById, link = uid()) {
  if (!canDetach(doc, clipId, mediaById)) return { doc, clip: null };
  const video = findClip(doc, clipId).clip;
  const length = clipLength(video);
  const hasRoom = (t) => t.kind === 'audio' && (() => {
    const at = fitOnTrack(t, video.start, length);
    return at !== null && Math.abs(at - video.start) <= EPS;
  })();
  let next = structuredClone(doc);
  if (!next.tracks.some(hasRoom)) next = addTrack(next, 'audio');
  const track = next.tracks.find(hasRoom);
  const sound = { id: uid(), media_id: video.media_id, start: video.start, in: video.in, out: video.out, link };
  for (const key of SOUND_FIELDS) if (video[key] !== undefined) sound[key] = video[key];
  if (video.keyframes && video.keyframes.volume) sound.keyframes = { volume: structuredClone(video.keyframes.volume) };
  track.clips.push(sound);
  track.clips.sort((a, b) => a.start - b.start);
  const v = findClip(next, clipId).clip;
  v.link = link;
  v.audio_detached = true;
  return { doc: next, clip: sound };
}

// The clip and every clip linked to it lose their link; audio_detached stays.
export function unlink(doc, clipId) {
  const found = findClip(doc, clipId);
  if (!found || typeof found.clip.link !== 'string') return doc;
  const ids = new Set([clipId, ...linkedClips(doc, found.clip).map((c) => c.id)]);
  const next = structuredClone(doc);
  for (const t of next.tracks) for (const c of t.clips) if (ids.has(c.id)) delete c.link;
  return next;
}
