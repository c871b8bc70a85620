// The page's copy of a project's media list, as pure functions (tested with node).

// A list fetched from the server, merged with the list held now (`current`): nothing that came in
// while the answer was on its way (an import, a generation's event) is lost. `before` is what the
// page held when it asked. An item it held then and the server no longer lists was deleted in the
// meantime (after the event stream reconnects, that is what it missed); one it held then and no
// longer holds was deleted while the answer was on its way, and stays deleted. When a project
// opens, `before` is empty and `current` holds only what arrived since.
export function mergeFetched(fetched, current, projectId, before = []) {
  const known = new Set(fetched.map((m) => m.id));
  const held = new Set(current.map((m) => m.id));
  const asked = new Set(before.map((m) => m.id));
  const deletedMeanwhile = new Set([...asked].filter((id) => !held.has(id)));
  return [
    ...fetched.filter((m) => !deletedMeanwhile.has(m.id)),
    ...current.filter((m) => m.project_id === projectId && !known.has(m.id) && !asked.has(m.id)),
  ];
}

// An item, new or changed, in its place: a changed one where it was, a new one at the end.
export function upsert(list, item) {
  const i = list.findIndex((m) => m.id === item.id);
  return i >= 0 ? list.map((m, j) => (j === i ? item : m)) : [...list, item];
}

// What an item's row says about its state, beside its length and size:
// - `note`: the preview copy (proxy) on its way, shown with the details ('' when none);
// - `problem`: a sentence in plain words when something is wrong (null when all is well): its file
//   is missing (with the server's reason), or its preview copy failed (with ffmpeg's reason);
// - `retry`: whether the row offers Retry (a failed preview copy of a file that is there);
// - `usable`: whether it may go onto the timeline (not when its file is missing).
export function itemStatus(item) {
  const proxy = item.proxy || {};
  if (item.missing) {
    return { note: '', problem: `File missing: ${sentence(item.missing)}`, retry: false, usable: false };
  }
  if (proxy.status === 'failed') {
    // the server's message names what failed ("The preview proxy failed: …"): the row says that already
    const reason = proxy.error && proxy.error.message && proxy.error.message.replace(/^the preview proxy failed:\s*/i, '');
    return {
      note: '', problem: reason ? `Preview copy failed: ${sentence(reason)}` : 'Preview copy failed.', retry: true, usable: true,
    };
  }
  let note = '';
  if (proxy.status === 'queued') note = 'preview queued';
  else if (proxy.status === 'encoding') note = `making preview ${Math.round((proxy.progress || 0) * 100)}%`;
  return { note, problem: null, retry: false, usable: true };
}

// Why an item cannot be laid on the timeline, or null when it can.
export function dragRefusal(item) {
  if (!item || !item.missing) return null;
  return `“${item.name}” cannot go on the timeline: its file is missing. ${sentence(item.missing)}`;
}

function sentence(text) {
  const t = String(text).trim();
  return /[.!?…]$/.test(t) ? t : `${t}.`;
}

// -- finding things: search, filters, sort -------------------------------------------------------

export const ALL_BINS = '*'; // the view's bin: every item, whatever its bin ('' is the items in none)

export const SORTS = {
  oldest: 'Oldest first',
  newest: 'Newest first',
  name: 'Name (A–Z)',
  duration: 'Longest first',
};
export const KINDS = { all: 'All kinds', video: 'Video', image: 'Images', audio: 'Audio' };
export const ORIGINS = { all: 'All sources', generated: 'Generated', imported: 'Imported' };
export const DEFAULT_VIEW = Object.freeze({ query: '', sort: 'oldest', kind: 'all', origin: 'all', bin: ALL_BINS });

// Where an item came from: 'generated' (a model made it) or 'imported' (a file brought in).
export function origin(item) {
  return item.source && item.source.type === 'generation' ? 'generated' : 'imported';
}

// Whether an item matches a search: every word of the query is found, in any case, in its name,
// its prompt, its model or the imported file's original name.
export function matches(item, query) {
  const words = String(query || '').toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return true;
  const s = item.source || {};
  const hay = [item.name, s.prompt, s.model_id, s.original_name].filter(Boolean).join('\n').toLowerCase();
  return words.every((w) => hay.includes(w));
}

const byName = (a, b) => String(a.name).localeCompare(String(b.name), undefined, { numeric: true, sensitivity: 'base' });
const byTime = (a, b) => String(a.created_at || '').localeCompare(String(b.created_at || ''));
const COMPARE = {
  newest: (a, b) => byTime(b, a) || byName(a, b),
  oldest: (a, b) => byTime(a, b) || byName(a, b),
  name: (a, b) => byName(a, b) || byTime(a, b),
  // a still (no duration) after everything that lasts
  duration: (a, b) => (b.duration || 0) - (a.duration || 0) || byName(a, b),
};

// The items a view shows, in its order: filtered by kind, origin and the search, then sorted
// (a stable sort: equal items keep the library's order). The list given is not changed.
export function visibleItems(items, view = DEFAULT_VIEW) {
  const v = { ...DEFAULT_VIEW, ...view };
  const compare = COMPARE[v.sort] || COMPARE.newest;
  return items
    .filter((m) => (v.bin === ALL_BINS || (m.bin || '') === v.bin)
      && (v.kind === 'all' || m.kind === v.kind)
      && (v.origin === 'all' || origin(m) === v.origin)
      && matches(m, v.query))
    .sort(compare);
}

// The bins there are: those items are filed in, and those made in this session and still empty
// (`made`), by name.
export function binsOf(items, made = []) {
  const names = new Set(made.filter(Boolean));
  for (const m of items) if (m.bin) names.add(m.bin);
  return [...names].sort((a, b) => a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' }));
}

// A new bin's name, typed: trimmed; null when empty or taken already (in any case).
export function newBinName(typed, bins) {
  const name = String(typed || '').trim().replace(/\s+/g, ' ');
  if (!name || name.length > 100) return null;
  return bins.some((b) => b.toLowerCase() === name.toLowerCase()) ? null : name;
}

// -- names ---------------------------------------------------------------------------------------

// The short id shown beside a name that another item shares.
export function shortId(item) {
  return String(item.id).replace(/-/g, '').slice(0, 6);
}

// The creation time, short and local ("14:02:37"), or '' when unknown.
export function shortTime(createdAt) {
  if (!createdAt) return '';
  const d = new Date(createdAt);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n) => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

// What tells apart items whose names collide (the same name, in any case): id -> a short tag,
// their creation times ("14:02:37") when those differ, else their short ids ("3fa9c1"); items
// with a name of their own have none.
export function collisionTags(items) {
  const groups = new Map();
  for (const m of items) {
    const key = String(m.name).trim().toLowerCase();
    groups.set(key, [...(groups.get(key) || []), m]);
  }
  const tags = new Map();
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const times = group.map((m) => shortTime(m.created_at));
    const byTime = times.every(Boolean) && new Set(times).size === group.length;
    group.forEach((m, i) => tags.set(m.id, byTime ? times[i] : shortId(m)));
  }
  return tags;
}

// A new name typed for an item: trimmed; null when there is nothing to change (empty, or the
// same name).
export function renameTo(item, typed) {
  const name = String(typed || '').trim();
  return name && name !== item.name ? name : null;
}

// -- details -------------------------------------------------------------------------------------

function humanBytes(n) {
  if (!Number.isFinite(n) || n < 0) return '';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i += 1; }
  return `${i ? v.toFixed(v < 10 ? 1 : 0) : v} ${units[i]}`;
}

function seconds(s) {
  if (!Number.isFinite(s)) return '';
  const m = Math.floor(s / 60);
  const rest = s - m * 60;
  return m ? `${m}:${rest.toFixed(2).padStart(5, '0')}` : `${rest.toFixed(2)} s`;
}

function proxyState(p) {
  if (!p || !p.status || p.status === 'none') return 'none needed';
  if (p.status === 'encoding') return `making, ${Math.round((p.progress || 0) * 100)}%`;
  if (p.status === 'failed') return `failed${p.error && p.error.message ? `: ${p.error.message}` : ''}`;
  return p.status;
}

// The details of one item, as [label, value] rows (empty values left out): what it is, and where
// it came from.
export function detailRows(item) {
  const s = item.source || {};
  const rows = [
    ['Name', item.name],
    ['Kind', item.kind],
    ['Duration', item.kind === 'image' ? '' : seconds(item.duration)],
    ['Resolution', item.width && item.height ? `${item.width}×${item.height}` : ''],
    ['Frame rate', item.fps ? `${Math.round(item.fps * 100) / 100} fps` : ''],
    ['Video codec', item.video_codec || ''],
    ['Audio codec', item.audio_codec || ''],
    ['Size', humanBytes(item.size)],
    ['Bin', item.bin || ''],
  ];
  if (origin(item) === 'generated') {
    const params = s.params && typeof s.params === 'object'
      ? Object.entries(s.params).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`).join(', ')
      : '';
    const cost = item.cost ?? s.cost;
    rows.push(['Source', 'Generated'], ['Model', s.model_id || s.model || ''], ['Prompt', s.prompt || ''],
      ['Parameters', params], ['Cost', Number.isFinite(cost) ? `$${cost.toFixed(2)}` : '']);
  } else {
    rows.push(['Source', 'Imported'], ['Original file', s.original_name || item.filename || '']);
  }
  rows.push(['Preview copy', proxyState(item.proxy)], ['Added', item.created_at ? new Date(item.created_at).toLocaleString() : '']);
  if (item.missing) rows.push(['Problem', `File missing: ${item.missing}`]);
  return rows.filter(([, v]) => v !== '' && v !== null && v !== undefined);
}

// -- audio thumbnails ----------------------------------------------------------------------------

// A sound's peaks (0..1, evenly spaced) as `bars` heights (0..1): each bar the loudest peak of its
// share, so a short loud sound is not averaged away. Empty when there are no peaks.
export function waveformBars(peaks, bars) {
  if (!Array.isArray(peaks) || !peaks.length || !(bars > 0)) return [];
  const out = [];
  for (let i = 0; i < bars; i += 1) {
    const from = Math.floor((i * peaks.length) / bars);
    const to = Math.max(from + 1, Math.floor(((i + 1) * peaks.length) / bars));
    let top = 0;
    for (let j = from; j < to && j < peaks.length; j += 1) top = Math.max(top, Math.abs(Number(peaks[j]) || 0));
    out.push(Math.min(1, top));
  }
  return out;
}

// -- takes ------------------------------------------------------------------------------------
// The items a view shows with the takes of one generation request kept together: each group
// sits where its first take falls in the view's order, its takes by number. Returns
// [{item, take: null | {label, first, count}}], `label` "Take 2 of 3" (the count over the whole
// library, so a filtered view still says how many there are).
export function withTakes(shown, items = shown) {
  const count = new Map();
  for (const m of items) if (m.group_id) count.set(m.group_id, Math.max(count.get(m.group_id) || 0, (m.take ?? 0) + 1));
  const out = [];
  const placed = new Set();
  for (const item of shown) {
    if (placed.has(item.id)) continue;
    const n = item.group_id ? count.get(item.group_id) || 0 : 0;
    if (n < 2) { out.push({ item, take: null }); placed.add(item.id); continue; }
    const group = shown.filter((m) => m.group_id === item.group_id)
      .sort((a, b) => (a.take ?? 0) - (b.take ?? 0) || a.id.localeCompare(b.id));
    group.forEach((m, i) => {
      placed.add(m.id);
      out.push({ item: m, take: { label: `Take ${(m.take ?? 0) + 1} of ${n}`, first: i === 0, count: n } });
    });
  }
  return out;
}
