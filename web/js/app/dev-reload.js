// `reelcut serve --dev` only (main.js imports this when /api/health says dev): the server watches
// web/ and sends `dev_reload` on the event stream when a file changes; the page then loads again,
// with the edited files (the server sends them no-cache in dev mode). An ordinary module, so the
// strict CSP needs no exception for it.
import { urls } from './api.js';

export function startDevReload(reload = () => location.reload(), source = (url) => new EventSource(url)) {
  const events = source(urls.events);
  events.addEventListener('dev_reload', () => reload());
  return events;
}
