// A Retake shown on the clip it remakes: the clip plays on while the job runs (no placeholder),
// so the jobs list alone would hide which clip is being made again. From the jobs the page already
// has (each retake names its clip: `retake_clip_id`), which clips show a retake, how far it is,
// and why it failed. Pure.
import { clipLength } from '../timeline/values.js';

export const RUNNING = new Set(['queued', 'generating', 'downloading', 'storing']);

const newestFirst = (a, b) => String(b.created_at || '').localeCompare(String(a.created_at || ''));

// Clip id -> {job, running}: the retake that clip shows. The newest still running wins (`running`
// counts those under way, for "2 retakes"); with none running, the newest if it failed, so its
// reason stays on the clip until the user retries or dismisses it. A done retake has switched the
// clip (or says in its job why not) and a cancelled one was the user's own doing: neither shows.
export function retakesByClip(jobs) {
  const byClip = new Map();
  for (const job of jobs) {
    const id = job && job.retake_clip_id;
    if (typeof id !== 'string' || !id) continue;
    if (!byClip.has(id)) byClip.set(id, []);
    byClip.get(id).push(job);
  }
  const shown = new Map();
  for (const [id, list] of byClip) {
    list.sort(newestFirst);
    const running = list.filter((j) => RUNNING.has(j.status));
    if (running.length) shown.set(id, { job: running[0], running: running.length });
    else if (list[0].status === 'failed') shown.set(id, { job: list[0], running: 0 });
  }
  return shown;
}

// Where the remade range lies on the clip, as fractions of its length ({from, to}, 0..1), from the
// job's range in the source's seconds (start_time, duration); null when the clip no longer shows
// any of it (trimmed meanwhile) or the job has no range.
export function retakeSpan(job, clip) {
  const { start_time: startTime, duration } = (job && job.params) || {};
  if (typeof startTime !== 'number' || typeof duration !== 'number' || !clip) return null;
  const length = clipLength(clip);
  if (!(length > 0)) return null;
  const speed = Number(clip.speed || 1);
  const at = (source) => Math.min(1, Math.max(0, (source - Number(clip.in || 0)) / speed / length));
  const from = at(startTime);
  const to = at(startTime + duration);
  return to > from ? { from, to } : null;
}

// What the clip shows for its retake: {jobId, status ('running' | 'failed'), progress (0..1, or
// null while queued), text (its words), model (the model's name), span (retakeSpan)}.
// `models`: the registry, for the model's name (its id when unknown).
export function retakeBadge({ job, running = 1 }, clip, models = []) {
  const model = (models.find((m) => m.id === job.model_id) || {}).name || job.model_id;
  const span = retakeSpan(job, clip);
  if (job.status === 'failed') {
    const reason = (job.error && job.error.message) || job.message || 'the generation failed';
    return { jobId: job.id, status: 'failed', progress: null, model, span, text: `Retake failed: ${reason}` };
  }
  const more = running > 1 ? ` (${running} retakes)` : '';
  if (job.status === 'queued') {
    const place = Number.isInteger(job.queue_position) ? `, position ${job.queue_position}` : '';
    return { jobId: job.id, status: 'running', progress: null, model, span, text: `Retake queued${place} · ${model}${more}` };
  }
  const progress = Math.min(1, Math.max(0, Number(job.progress) || 0));
  return {
    jobId: job.id, status: 'running', progress, model, span,
    text: `Retaking ${Math.round(progress * 100)}% · ${model}${more}`,
  };
}

// The retake the preview names at time t: that of the topmost clip under t on a shown video track
// that has one ({clip, shown}), or null. `retakes`: retakesByClip's map.
export function retakeUnder(doc, t, retakes) {
  if (!doc || !retakes || !retakes.size) return null;
  for (const track of doc.tracks) { // the first track is drawn on top
    if (track.kind !== 'video' || track.hidden) continue;
    for (const clip of track.clips) {
      const shown = retakes.get(clip.id);
      if (shown && !clip.placeholder && t >= clip.start && t < clip.start + clipLength(clip)) return { clip, shown };
    }
  }
  return null;
}
