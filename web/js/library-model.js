// The page's copy of a project's media list, as pure functions (tested with node).

// The list fetched when a project opens, merged with what arrived while it was on its way (an
// import, a generation's event; `current` holds only those): nothing that came in between is lost.
export function mergeFetched(fetched, current, projectId) {
  const known = new Set(fetched.map((m) => m.id));
  return [...fetched, ...current.filter((m) => m.project_id === projectId && !known.has(m.id))];
}

// An item, new or changed, in its place: a changed one where it was, a new one at the end.
export function upsert(list, item) {
  const i = list.findIndex((m) => m.id === item.id);
  return i >= 0 ? list.map((m, j) => (j === i ? item : m)) : [...list, item];
}
