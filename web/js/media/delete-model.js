// Deleting a media item that the timeline uses, and undoing it, as pure functions (tested with
// node). The server takes the item's clips out of its timeline and keeps the item (a soft delete)
// until the undo window closes; Undo restores the item there and puts the clips back here, as an
// ordinary edit of the page's timeline (so the server saves them again, and Undo in the timeline
// takes them out again).
import { clipEnd } from '../timeline/timeline-model.js';

const EPS = 1e-6;

// How many clips of the timeline use the item.
export function clipCount(doc, mediaId) {
  if (!doc) return 0;
  let n = 0;
  for (const t of doc.tracks) for (const c of t.clips) if (c.media_id === mediaId) n += 1;
  return n;
}

const clipsWord = (n) => (n === 1 ? '1 clip' : `${n} clips`);

// The question asked before a delete: it names how many clips go with the item.
export function deleteQuestion(item, count) {
  if (!count) return `Delete “${item.name}” from the project?`;
  return `Delete “${item.name}”? ${count === 1 ? 'It is used by 1 clip' : `It is used by ${count} clips`} on the timeline, `
    + `which ${count === 1 ? 'goes' : 'go'} with it.`;
}

// What is said once it is deleted, beside Undo.
export function deletedNote(item, count) {
  return count ? `Deleted “${item.name}” and its ${clipsWord(count)}.` : `Deleted “${item.name}”.`;
}

// What the delete takes out of the timeline, kept to put back: the item's clips with their
// tracks, and the links of their partners (a link left with one clip is dropped from it).
export function takenOut(doc, mediaId) {
  const clips = [];
  const links = new Set();
  if (doc) {
    for (const t of doc.tracks) {
      for (const c of t.clips) {
        if (c.media_id !== mediaId) continue;
        clips.push({ trackId: t.id, clip: c });
        if (typeof c.link === 'string') links.add(c.link);
      }
    }
  }
  const partners = [];
  if (doc && links.size) {
    for (const t of doc.tracks) {
      for (const c of t.clips) if (c.media_id !== mediaId && links.has(c.link)) partners.push({ clipId: c.id, link: c.link });
    }
  }
  return { mediaId, clips, partners };
}

// The clips taken out, put back where they were: each on its track, if that track is still there,
// the clip is not there already and nothing has taken its place since. {doc, placed, skipped};
// the document is the same object when nothing was put back.
export function putBack(doc, taken) {
  if (!doc || !taken || !taken.clips.length) return { doc, placed: 0, skipped: 0 };
  const present = new Set();
  for (const t of doc.tracks) for (const c of t.clips) present.add(c.id);
  const tracks = doc.tracks.map((t) => ({ ...t, clips: [...t.clips] }));
  let placed = 0;
  let skipped = 0;
  for (const { trackId, clip } of taken.clips) {
    const track = tracks.find((t) => t.id === trackId);
    const end = clipEnd(clip);
    if (!track || present.has(clip.id)
      || track.clips.some((c) => clip.start < clipEnd(c) - EPS && end > c.start + EPS)) {
      skipped += 1;
      continue;
    }
    track.clips.push(clip);
    track.clips.sort((a, b) => a.start - b.start);
    present.add(clip.id);
    placed += 1;
  }
  if (!placed) return { doc, placed, skipped };
  // the partners' links come back when both ends are there again
  const linked = new Set();
  for (const t of tracks) for (const c of t.clips) if (c.media_id === taken.mediaId && typeof c.link === 'string') linked.add(c.link);
  for (const { clipId, link } of taken.partners) {
    if (!linked.has(link)) continue;
    for (const t of tracks) {
      const i = t.clips.findIndex((c) => c.id === clipId);
      if (i >= 0 && t.clips[i].link === undefined) t.clips[i] = { ...t.clips[i], link };
    }
  }
  return { doc: { ...doc, tracks }, placed, skipped };
}
