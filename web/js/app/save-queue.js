// Saves one at a time. `soon()` saves after a quiet moment (each call restarts the wait); `now()`
// saves at once. A save asked for while one is in flight runs once after it (asks in between are
// one save): the page never races itself, and what is saved is what `save` reads when it runs.
export function createSaveQueue(save, { delay = 300, setTimer = setTimeout, clearTimer = clearTimeout } = {}) {
  let timer = null;
  let running = null; // the save in flight
  let again = null; // the save asked for while one was in flight: { promise, resolve, reject }

  function start() {
    running = Promise.resolve().then(save).finally(() => {
      running = null;
      if (again) {
        const next = again;
        again = null;
        start().then(next.resolve, next.reject);
      }
    });
    return running;
  }

  function now() {
    clearTimer(timer);
    timer = null;
    if (!running) return start();
    if (!again) {
      let resolve, reject;
      const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
      again = { promise, resolve, reject };
    }
    return again.promise;
  }

  function soon(onError) {
    clearTimer(timer);
    timer = setTimer(() => { timer = null; now().catch(onError || (() => {})); }, delay);
  }

  // nothing waiting, nothing in flight
  const idle = () => timer === null && !running && !again;
  function cancel() { clearTimer(timer); timer = null; }

  return { soon, now, idle, cancel };
}
