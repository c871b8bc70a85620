// The document's overlap rule, as the server checks it (library/timeline.py _no_overlaps): clips
// on a track overlap only in a transition_in, by exactly its duration, and only the clip before.
import { clipLength } from '../../../web/js/timeline/values.js';

export function overlapFaults(doc) {
  const faults = [];
  for (const track of doc.tracks) {
    const clips = [...track.clips].sort((a, b) => a.start - b.start);
    let reach = -Infinity;
    for (let i = 0; i < clips.length; i += 1) {
      const clip = clips[i];
      if (clip.start < -1e-9) faults.push(`${clip.id} starts before 0`);
      if (i === 0) { if (clip.transition_in) faults.push(`${clip.id} has a transition from nothing`); continue; }
      const prev = clips[i - 1];
      const prevEnd = prev.start + clipLength(prev);
      const overlap = prevEnd - clip.start;
      if (clip.transition_in) {
        if (Math.abs(overlap - clip.transition_in.duration) > 1e-6) faults.push(`${clip.id}'s transition is not its overlap`);
      } else if (overlap > 1e-6) faults.push(`${clip.id} overlaps ${prev.id} without a transition`);
      if (reach - clip.start > 1e-6) faults.push(`${clip.id} overlaps two clips`);
      reach = Math.max(reach, prevEnd);
    }
  }
  return faults;
}
