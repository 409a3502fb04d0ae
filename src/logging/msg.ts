/**
 * The tag of every message text the SDK throws or logs: `` msg`The visitor code is ${n} characters long` ``.
 * Here it only joins the text. The standard browser build (vite.config.ts, `messageCodes`) puts
 * each tagged text behind a test of NODE_ENV that the application's bundler resolves, with a short
 * code and the values as the production form: an application's production bundle carries no message text
 * (as the official SDK 4.24's standard bundles), its development builds and every server build do.
 */
export function msg(strings: TemplateStringsArray, ...values: unknown[]): string {
  let text = strings[0]!;
  for (let i = 0; i < values.length; i++) text += `${values[i] as string}${strings[i + 1]!}`;
  return text;
}
