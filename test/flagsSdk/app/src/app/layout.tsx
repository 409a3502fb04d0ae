import type { ReactNode } from 'react';

export const metadata = {
  title: 'Flags SDK with kameleoon-ts',
  icons: { icon: 'data:,' }, // no favicon request (a 404 in the browser console)
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
