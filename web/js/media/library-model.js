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
