/**
 * Calls back when the page is hidden or left (`pagehide`, or `visibilitychange` to hidden: on
 * mobile a page is often hidden, then killed without a `pagehide`).
 * @returns the function that stops it
 */
export function onPageLeave(callback: () => void): () => void {
  if (typeof addEventListener !== 'function' || typeof document === 'undefined') return () => undefined;
  const hidden = () => {
    if (document.visibilityState === 'hidden') callback();
  };
  addEventListener('pagehide', callback);
  document.addEventListener('visibilitychange', hidden);
  return () => {
    removeEventListener('pagehide', callback);
    document.removeEventListener('visibilitychange', hidden);
  };
}

/** Calls back when the browser is back online. @returns the function that stops it */
export function onBackOnline(callback: () => void): () => void {
  if (typeof addEventListener !== 'function') return () => undefined;
  addEventListener('online', callback);
  return () => removeEventListener('online', callback);
}
