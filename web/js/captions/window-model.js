// Which lines of a long captions list the panel draws (no DOM; tested with node). A track holds up
// to 5000 lines: drawing a row for each would make opening, scrolling and every edit slow, so
// only the rows in the scrolled view, plus a margin either side, are in the page; padding above
// and below stands for the rest, so the scroll bar keeps the whole list's height. Rows share one
// height (the panel measures a drawn row).

export const MARGIN = 10; // rows drawn beyond each edge of the view: a fast scroll shows no gap

// The rows [start, end) to draw, and the padding (pixels) standing for the rows before and after.
export function windowRange({ count, rowHeight, scrollTop, viewHeight, margin = MARGIN }) {
  if (count <= 0) return { start: 0, end: 0, before: 0, after: 0 };
  const h = rowHeight > 0 ? rowHeight : 1;
  const top = Math.max(0, scrollTop);
  const first = Math.min(count - 1, Math.floor(top / h));
  const shown = Math.ceil(Math.max(0, viewHeight) / h) + 1;
  const start = Math.max(0, first - margin);
  const end = Math.min(count, first + shown + margin);
  return { start, end, before: start * h, after: (count - end) * h };
}

// The scroll offset that brings row `index` into a view of `viewHeight` pixels by the least
// movement ("nearest"); the same offset when it is already in view.
export function scrollToRow({ index, rowHeight, scrollTop, viewHeight }) {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewHeight) return Math.max(0, bottom - viewHeight);
  return scrollTop;
}
