// Comparing the page's copy of the timeline with the server's, to tell whether another writer
// changed it. The view (playhead, zoom) is not the document, so it does not count.
const VIEW = new Set(['playhead', 'zoom']);

function canonical(value) {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical(value[k])]));
  }
  return value;
}

export function sameTimeline(a, b) {
  if (!a || !b) return a === b;
  const strip = (doc) => Object.fromEntries(Object.entries(doc).filter(([k]) => !VIEW.has(k)));
  return JSON.stringify(canonical(strip(a))) === JSON.stringify(canonical(strip(b)));
}

const same = (a, b) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
const byId = (list) => new Map((list || []).map((x) => [x.id, x]));

// Each field the page changed (from `base`, the server's copy it last had, to `mine`) wins; every
// other field is theirs.
function fields(base, mine, theirs, skip) {
  const out = { ...theirs };
  for (const key of new Set([...Object.keys(base || {}), ...Object.keys(mine)])) {
    if (skip.has(key) || same(base ? base[key] : undefined, mine[key])) continue;
    if (key in mine) out[key] = mine[key]; else delete out[key];
  }
  return out;
}

// The page's edit made again on another writer's copy: `base` is the server's copy the page last
// had, `mine` the page's (base with its edit), `theirs` the server's now. What the page changed
// (document fields, tracks, clips by id: added, removed, changed or moved) is applied to theirs;
// what it did not touch stays as they have it. The view is the page's. The result may still be
// refused by the server (e.g. two clips now overlap): the caller falls back then.
export function rebase(base, mine, theirs) {
  const skip = new Set(['tracks', 'playhead', 'zoom']);
  const doc = { ...fields(base, mine, theirs, skip), playhead: mine.playhead, zoom: mine.zoom };
  const baseTracks = byId(base.tracks);
  const mineTracks = byId(mine.tracks);
  const clipsOf = (d) => new Map(d.tracks.flatMap((t) => t.clips.map((c) => [c.id, { clip: c, track: t.id }])));
  const baseClips = clipsOf(base);
  const mineClips = clipsOf(mine);
  // the clips the page changed, added or removed
  const touched = new Set();
  for (const [id, m] of mineClips) {
    const b = baseClips.get(id);
    if (!b || b.track !== m.track || !same(b.clip, m.clip)) touched.add(id);
  }
  for (const id of baseClips.keys()) if (!mineClips.has(id)) touched.add(id);
  // tracks: theirs, less those the page removed, each with the fields the page changed, then the page's new ones
  const tracks = theirs.tracks
    .filter((t) => !(baseTracks.has(t.id) && !mineTracks.has(t.id)))
    .map((t) => {
      const m = mineTracks.get(t.id);
      const merged = m ? fields(baseTracks.get(t.id), m, t, new Set(['clips'])) : { ...t };
      return { ...merged, clips: t.clips.filter((c) => !touched.has(c.id)) };
    });
  for (const t of mine.tracks) {
    if (!baseTracks.has(t.id) && !tracks.some((x) => x.id === t.id)) tracks.push({ ...t, clips: [] });
  }
  const trackById = byId(tracks);
  for (const id of touched) {
    const m = mineClips.get(id);
    if (m && trackById.has(m.track)) trackById.get(m.track).clips.push(m.clip);
  }
  for (const t of tracks) t.clips.sort((a, b) => a.start - b.start);
  doc.tracks = tracks;
  return doc;
}
