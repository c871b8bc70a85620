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
