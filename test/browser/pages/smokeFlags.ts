/**
 * Flags of the basic configuration that the smoke page evaluates, shared with the test that
 * checks them against the Node SDK: three split visitors by hash (two, three and four
 * variations, one with partial exposition); ff_segmented targets custom data 0 ("plan") equal
 * to "premium".
 */
export const SMOKE_FLAGS = ['ff_50_50', 'ff_partial_exposition', 'ff_respool', 'ff_segmented'] as const;

/** Value of custom data 0 ("plan") given to the smoke visitor. */
export const SMOKE_PLAN = 'premium';
