import type { ReactNode } from 'react';

export const metadata = {
  title: 'kameleoon-ts: Next.js App Router demo',
  // No favicon request (it would be a 404 in the browser console).
  icons: { icon: 'data:,' },
};

const css = `
body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 46rem; color: #1d2330; }
h1 { font-size: 1.4rem; }
ul#flags { list-style: none; padding: 0; }
.flag { display: flex; gap: .75rem; align-items: baseline; padding: .5rem .75rem; border-radius: 6px; margin: .35rem 0; background: #f2f4f8; }
.flag.on { background: #e3f6e8; }
.flag strong { min-width: 8rem; }
.variables { display: flex; gap: .5rem; flex-wrap: wrap; color: #4a5568; font-size: .9em; }
.variables span { background: #fff; border-radius: 4px; padding: 0 .4rem; }
`;

export default function RootLayout({ children }: { children: ReactNode }): ReactNode {
  return (
    <html lang="en">
      <body>
        <style>{css}</style>
        {children}
      </body>
    </html>
  );
}
