// A captions line as the export draws it (media/captions.py, its twin): the track's style merged
// with the line's, the font size, and the text word-wrapped by the estimate "a character is 0.6 of
// the font size wide". The estimate, not the drawn font's metrics, decides the breaks, so the
// preview breaks a line exactly where the exported film does, whatever font the browser draws.

export const CHAR_EM = 0.6;
export const CAPTION_DEFAULTS = Object.freeze({ x: 0.5, y: 0.9, max_width: 0.8 });

// The defaults, then the track's style, then the line's own, key by key.
export function lineStyle(track, line) {
  return { ...CAPTION_DEFAULTS, ...(track.style || {}), ...(line.style || {}) };
}

// The size drawtext draws at: the style's, else a twelfth of the canvas height; at least 8.
export function fontSize(style, height) {
  return Math.max(8, Math.trunc(style.size || Math.trunc(height / 12)));
}

// How many characters a wrapped line may hold (Python's int() of the same arithmetic).
export function maxChars(style, width, height) {
  return Math.trunc((Number(style.max_width) * width) / (CHAR_EM * fontSize(style, height)));
}

// `text` with each of its lines broken at spaces into lines of at most `limit` characters; a word
// longer than that is broken inside itself. The line breaks it had are kept.
export function wrap(text, limit) {
  const max = Math.max(1, limit);
  const out = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (let word of para.split(/\s+/).filter(Boolean)) {
      while (word.length > max) {
        if (line) { out.push(line); line = ''; }
        out.push(word.slice(0, max));
        word = word.slice(max);
      }
      if (!line) line = word;
      else if (line.length + 1 + word.length <= max) line += ` ${word}`;
      else { out.push(line); line = word; }
    }
    out.push(line);
  }
  return out.join('\n');
}

// The text clips of a captions track's lines (none of a hidden track), as caption_clips: the
// merged style's keys but max_width, and the wrapped text; a line of only spaces draws nothing.
export function captionClips(track, width, height) {
  if (track.hidden) return [];
  const clips = [];
  for (const line of [...track.clips].sort((a, b) => a.start - b.start)) {
    const style = lineStyle(track, line);
    const text = wrap(String(line.text ?? ''), maxChars(style, width, height));
    if (!text.trim()) continue;
    const { max_width: _, ...look } = style;
    clips.push({ ...look, id: line.id, start: Number(line.start), duration: Number(line.duration), text });
  }
  return clips;
}
