// A kiosk has no way out. The agent already refuses any top-level navigation off the player's
// origin, closes popups and leaves no history behind the page; here the page itself refuses the
// keys, gestures and calls that would try, so nothing even flickers.

/** Keys that leave, reload or open something in a browser; none of them has a use in the kiosk. */
export function isEscapeKey(event) {
  const key = event.key;
  if (/^F\d{1,2}$/.test(key)) return true;
  if (['BrowserBack', 'BrowserForward', 'BrowserHome', 'BrowserRefresh', 'BrowserSearch'].includes(key)) {
    return true;
  }
  if (event.altKey && ['ArrowLeft', 'ArrowRight', 'Home', 'F4'].includes(key)) return true;
  if (event.ctrlKey || event.metaKey) return true;
  const typing = event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement;
  return key === 'Backspace' && !typing;
}

export function installLockdown() {
  window.open = () => null;
  const stop = (event) => {
    event.preventDefault();
    event.stopPropagation();
  };
  window.addEventListener('keydown', (event) => isEscapeKey(event) && stop(event), true);
  window.addEventListener('contextmenu', stop, true);
  window.addEventListener('dragstart', stop, true);
  window.addEventListener('selectstart', (event) => {
    if (!(event.target instanceof HTMLInputElement)) event.preventDefault();
  });
  // Links are never followed: the app has none, and a text that looks like one stays text.
  window.addEventListener(
    'click',
    (event) => {
      const link = event.target instanceof Element ? event.target.closest('a[href], area[href]') : null;
      if (link) stop(event);
    },
    true,
  );
  window.addEventListener('auxclick', stop, true);
  // Zooming the page (ctrl + wheel, pinch) is refused; the map zooms inside itself.
  window.addEventListener('wheel', (event) => event.ctrlKey && event.preventDefault(), {
    passive: false,
    capture: true,
  });
  window.addEventListener(
    'touchmove',
    (event) => {
      const inMap = event.target instanceof Element && event.target.closest('.map-frame');
      if (event.touches.length > 1 && !inMap) event.preventDefault();
    },
    { passive: false, capture: true },
  );
  for (const name of ['gesturestart', 'gesturechange']) window.addEventListener(name, stop, true);
  // Nothing sits behind the page; should a back ever arrive, stay.
  window.addEventListener('popstate', () => history.pushState(null, '', location.href));
}
