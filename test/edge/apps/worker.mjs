// Cloudflare Workers (workerd through miniflare, no nodejs_compat): the app is the Worker module.
export { default } from './served.mjs';
