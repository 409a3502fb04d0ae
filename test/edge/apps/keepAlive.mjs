// For runtimes without waitUntil (Deno.serve, Bun.serve, node:http): the process outlives the
// response, so the promises handed to waitUntil are kept (and their failures said) until they settle.
const pending = new Set();

/** The `ctx` these runtimes' servers pass to the app's `fetch`. */
export const ctx = {
  waitUntil(promise) {
    pending.add(promise);
    promise.then(
      () => pending.delete(promise),
      (error) => {
        pending.delete(promise);
        console.error('waitUntil rejected:', error);
      },
    );
  },
};
