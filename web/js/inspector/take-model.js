// Takes and how a clip was made, pure: the takes a clip can switch to (the other media of its
// generation request), the switch itself as a new document, and what the inspector says of a
// generated clip (model, prompt, seed, take, cost) and sends again to regenerate it.
import { MIN_CLIP, findClip, linkedClips } from '../timeline/edit-model.js';

const EPS = 1e-6;

// The takes of the clip's media's group, by take number (then model): [{id, take, label}], or []
// when its media is not one of several takes. A take whose file is missing cannot be switched to.
export function takesOf(clip, media) {
  const item = clip && media.find((m) => m.id === clip.media_id);
  if (!item || !item.group_id) return [];
  const group = media.filter((m) => m.group_id === item.group_id && m.kind === item.kind && !m.missing);
  if (group.length < 2) return [];
  const models = new Set(group.map((m) => m.source?.model_id));
  return group
    .sort((a, b) => (a.take ?? 0) - (b.take ?? 0) || String(a.source?.model_id).localeCompare(String(b.source?.model_id)))
    .map((m) => ({
      id: m.id, take: m.take ?? 0,
      label: `${(m.take ?? 0) + 1}${models.size > 1 && m.source?.model_id ? ` (${m.source.model_id})` : ''}`,
    }));
}

// The document with the clip (and the clips linked to it that show the same media: its detached
// sound) showing `next` instead: same place, speed and properties; its in and out kept, clamped
// to the new media's length (a take may be shorter). {doc, clamped}, or {doc, error} unchanged.
export function switchTake(doc, clipId, next) {
  const found = findClip(doc, clipId);
  if (!found || found.clip.media_id === undefined) return { doc, error: 'Select a clip of generated media.' };
  if (!next || !next.id) return { doc, error: 'That take is not in the library.' };
  const { clip } = found;
  if (next.id === clip.media_id) return { doc, clamped: false };
  const from = clip.media_id;
  const targets = new Set([clip.id, ...linkedClips(doc, clip).filter((c) => c.media_id === from).map((c) => c.id)]);
  const length = Number.isFinite(next.duration) && next.duration > 0 ? next.duration : null;
  let clamped = false;
  const tracks = doc.tracks.map((track) => {
    if (!track.clips.some((c) => targets.has(c.id))) return track;
    return {
      ...track,
      clips: track.clips.map((c) => {
        if (!targets.has(c.id)) return c;
        let { in: inPoint, out } = c;
        if (length !== null && out > length + EPS) {
          out = length;
          inPoint = Math.max(0, Math.min(inPoint, out - MIN_CLIP));
          clamped = true;
        }
        return { ...c, media_id: next.id, in: inPoint, out };
      }),
    };
  });
  return { doc: { ...doc, tracks }, clamped };
}

// What the inspector says of a generated clip's media, or null for media not generated:
// [{label, value}] rows, and the request Regenerate sends (a new group, one take, fresh seed).
// `job`: the job that made it, when still listed (it knows the seed when the model takes none).
export function madeOf(item, job = null, models = []) {
  const source = item && item.source;
  if (!source || source.type !== 'generation') return null;
  const model = models.find((m) => m.id === source.model_id);
  const seed = source.seed ?? source.params?.seed ?? job?.seed;
  const cost = item.cost ?? job?.cost;
  const rows = [
    { label: 'Model', value: model ? model.name : source.model_id },
    { label: 'Prompt', value: source.prompt || '' },
    { label: 'Seed', value: seed === undefined || seed === null ? 'chosen by the model' : String(seed) },
  ];
  if (item.take !== null && item.take !== undefined && item.group_id) rows.push({ label: 'Take', value: String(item.take + 1) });
  rows.push({ label: 'Cost', value: cost ? `$${Number(cost).toFixed(2)}` : 'Free' });
  const params = { ...(source.params || {}) };
  delete params.seed; // regenerated, it runs with a fresh seed: a new take, not the same clip
  const request = {
    model_ids: [source.model_id], prompt: source.prompt || '', params: { [source.model_id]: params }, takes: 1,
  };
  if (job && job.image_media_id) request.image_media_id = job.image_media_id;
  // the media it was sent (an end frame, a sound), by the request field each came from
  for (const spec of model?.inputs || []) {
    const id = job?.inputs?.[spec.name];
    if (id && spec.from) request[spec.from] = id;
  }
  return { rows, request };
}
