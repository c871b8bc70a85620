// The WAI-ARIA tabs pattern's keys: which tab a key moves to from tab `index` of `count` (arrows
// wrap around, Home and End go to the ends), or null for a key the tabs leave alone. Pure.
export function tabAfter(index, key, count) {
  if (key === 'ArrowRight') return (index + 1) % count;
  if (key === 'ArrowLeft') return (index - 1 + count) % count;
  if (key === 'Home') return 0;
  if (key === 'End') return count - 1;
  return null;
}
