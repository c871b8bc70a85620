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
