/**
 * The official SDK versions this SDK behaves as. SDK_LANGUAGE targeting conditions compare them,
 * so a project targeting "JavaScript SDK >= 4.0.0" sees the same visitors as with the official one.
 */
export const COMPATIBLE_VERSIONS = { JAVASCRIPT: '4.17.1', NODEJS: '5.17.1' } as const;
