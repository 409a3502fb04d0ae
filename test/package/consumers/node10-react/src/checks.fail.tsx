/**
 * Must NOT compile: the line after each `expect TSxxxx` comment must give exactly that error, and
 * no other line any error (package.test.ts checks both), so this project's type checks bite.
 */
import { KameleoonClient, useVariation, CustomData } from 'kameleoon-ts/react';
import { createClient, useVisitorCode } from 'kameleoon-ts/react-sdk';

declare const somePlatform: unknown;

// expect TS2554: the platform is chosen by the entry, never passed in
export const client = new KameleoonClient({ siteCode: 'abc' }, somePlatform);
// expect TS2769: custom data values are strings
export const data = new CustomData(1, 42);

export function Banner() {
  // expect TS2554: useVariation needs the feature key
  const variation = useVariation();
  return <p>{variation?.key}</p>;
}

// expect TS2345: createClient takes the parameters object, as in the official React SDK
export const reactClient = createClient('abc');

export function Visitor() {
  // expect TS2551: the official useVisitorCode returns methods (getVisitorCode...), not the code
  return <p>{useVisitorCode().visitorCode}</p>;
}
