/**
 * Encoding that never throws, for cookie values, URLs and tracking lines. A module of its own:
 * the lazy tracking and Data API chunks import it without importing the visitor code's module
 * (which would split the modules the entry shares with them into a chunk of their own).
 */

/**
 * `value` with each lone surrogate replaced by U+FFFD, as `String.prototype.toWellFormed` does
 * (not in every browser yet): encodeURIComponent throws a URIError on a lone surrogate, which a
 * visitor code or a value cut in the middle of an emoji can hold.
 */
export function toWellFormed(value: string): string {
  return value.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]|[\uD800-\uDFFF]/g, (c) => (c.length === 2 ? c : '\uFFFD'));
}

/**
 * `encodeURIComponent` that never throws: a lone surrogate is encoded as U+FFFD. For cookie values
 * (no character can end the pair or the header) and URL and line parameters alike.
 */
export function encodeComponent(value: string): string {
  return encodeURIComponent(toWellFormed(value));
}
