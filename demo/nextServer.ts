/** Placeholder until the Next.js app lands: `npm run demo` then runs without it. */
export async function startNext(_devServer: string, _port: number): Promise<{ url: string; close(): Promise<void> } | undefined> {
  return undefined;
}
