// "Caption the timeline…": what it would send and cost, and why it cannot run, from the document,
// the media, the speech-to-text model and whether a fal.ai key is set (no DOM; tested with node).
// The server decides again (desktop/reelcut/generation/jobs.py transcribe_timeline): this is what
// the user is told before asking.
import { timelineEnd } from '../timeline/timeline-model.js';

// Whether any clip is heard: on an unmuted video or audio track, its own sound not detached, its
// media with sound (the export's mix, which is what is sent).
export function heardClips(doc, media) {
  const withSound = new Set((media || []).filter((m) => m.audio_codec).map((m) => m.id));
  return (doc ? doc.tracks : []).some((t) => (t.kind === 'video' || t.kind === 'audio') && !t.muted
    && t.clips.some((c) => !c.audio_detached && withSound.has(c.media_id)));
}

// {seconds, cost (dollars, or null while the model is unknown), blocker (the reason, or null)}.
// The cost is the server's: the model's price a second × the timeline's length, to 4 places.
export function timelineSpeech(doc, media, model, keySet) {
  const seconds = doc ? timelineEnd(doc) : 0;
  const price = model && Number(model.price_per_second);
  const cost = Number.isFinite(price) ? Math.round(price * seconds * 1e4) / 1e4 : null;
  let blocker = null;
  if (seconds <= 0) blocker = 'The timeline is empty: add clips with sound to caption it.';
  else if (!heardClips(doc, media)) blocker = 'Nothing on the timeline makes a sound (a muted track is not heard).';
  else if (keySet === false) blocker = 'Captioning runs on fal.ai: add a fal.ai key in Settings.';
  return { seconds, cost, blocker };
}

// "1:05" for 65 s: a length as a person says it, to the second.
export function minutes(seconds) {
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

// "about $0.07", "under $0.01", or "" when not known.
export function dollars(cost) {
  if (cost === null || cost === undefined) return '';
  return cost < 0.01 ? 'under $0.01' : `about $${cost.toFixed(2)}`;
}

// What the button's hint and the question before it starts say.
export function speechSummary({ seconds, cost }) {
  const price = dollars(cost);
  return `${minutes(seconds)} of sound${price ? `, ${price} on fal.ai` : ''}`;
}
