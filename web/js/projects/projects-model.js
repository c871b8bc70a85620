// Project names, as pure functions (tested with node). The same rules as the server's, so the
// reason shows next to the field at once.

export const MAX_NAME = 120;

// The name as it will be kept: runs of white space become one space, none at either end.
export function cleanName(raw) {
  return String(raw ?? '').split(/\s+/).filter(Boolean).join(' ');
}

// Why a name cannot be used, or null.
export function nameProblem(raw) {
  const name = cleanName(raw);
  if (!name) return 'A project needs a name.';
  if (name.length > MAX_NAME) return `A project name can be at most ${MAX_NAME} characters.`;
  return null;
}
