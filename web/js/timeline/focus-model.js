// The timeline's roving focus: the timeline is one tab stop, and the arrow keys move the focus
// over its clips. Pure (tested with node): which clip is focused first, and which next.
//
// ArrowLeft / ArrowRight: the clip before / after on the same track (by start).
// ArrowUp / ArrowDown: on the nearest track above / below that has clips, the clip nearest in
// time (the one under the focused clip's middle, else the one whose edge is closest).
// Home / End: the first / last clip on the track.
const end = (c) => c.start + (c.out - c.in);
const byStart = (a, b) => a.start - b.start || (a.id < b.id ? -1 : 1);

function locate(doc, clipId) {
  for (let i = 0; i < doc.tracks.length; i++) {
    const clips = [...doc.tracks[i].clips].sort(byStart);
    const j = clips.findIndex((c) => c.id === clipId);
    if (j >= 0) return { trackIndex: i, clips, index: j };
  }
  return null;
}

// The clip on `clips` nearest to time `t`: the one spanning it, else the closest edge.
export function nearestClip(clips, t) {
  let best = null;
  let bestDistance = Infinity;
  for (const c of clips) {
    const distance = t < c.start ? c.start - t : t > end(c) ? t - end(c) : 0;
    if (distance < bestDistance) { best = c; bestDistance = distance; }
  }
  return best;
}

// The clip to focus when the timeline gets the focus: the one focused before if it is still
// there, else the first selected clip, else the clip nearest the playhead on the first track
// that has clips; null on an empty timeline.
export function initialFocus(doc, { focused = null, selected = [], playhead = 0 } = {}) {
  if (!doc) return null;
  if (focused && locate(doc, focused)) return focused;
  const picked = selected.find((id) => locate(doc, id));
  if (picked) return picked;
  const track = doc.tracks.find((t) => t.clips.length);
  return track ? nearestClip(track.clips, playhead).id : null;
}

// The clip focused after `key` is pressed on clip `clipId`; the same id when there is none
// that way (the focus stays), null if `clipId` is not on the timeline.
export function nextFocus(doc, clipId, key) {
  const at = locate(doc, clipId);
  if (!at) return null;
  const { trackIndex, clips, index } = at;
  if (key === 'ArrowLeft') return clips[Math.max(0, index - 1)].id;
  if (key === 'ArrowRight') return clips[Math.min(clips.length - 1, index + 1)].id;
  if (key === 'Home') return clips[0].id;
  if (key === 'End') return clips[clips.length - 1].id;
  if (key === 'ArrowUp' || key === 'ArrowDown') {
    const step = key === 'ArrowUp' ? -1 : 1;
    const clip = clips[index];
    const middle = (clip.start + end(clip)) / 2;
    for (let i = trackIndex + step; i >= 0 && i < doc.tracks.length; i += step) {
      const found = nearestClip(doc.tracks[i].clips, middle);
      if (found) return found.id;
    }
    return clipId;
  }
  return clipId;
}
