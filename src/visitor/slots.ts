/**
 * The assignment pool's constants that tracking reads too (see assignments.ts), in a module of
 * their own: the lazy tracking chunk imports them without importing the pool's module (which
 * would split the modules the entry shares with it into a chunk of their own).
 */

/** No node / end of a list. */
export const NONE = -1;
/** Mask of a stamp (27 bits). */
export const STAMP_MASK = 0x7ffffff;
/** Flag: the assignment came from a targeted-delivery rule. */
export const TARGETED = 1;
/** Flag: the exposure waits to be tracked. */
export const UNSENT = 2;
/** Flag: the exposure was handed to tracking; it is never sent again for the same variation. */
export const SENT = 4;
/** Flag: the variation last returned has JS or CSS variables (the front-end tag applies them). */
export const JS_CSS = 8;
