// The app the entries serve: app.mjs itself. The harness rewrites this file in its project to
// serve timing.mjs instead when the bench asks for the timing route (createEdgeProject's `timing`).
export { default } from './app.mjs';
