/** The public names shared by the entries: the client's base class and everything it takes and returns. */
export { KameleoonClientBase } from './client/kameleoonClient.ts';
export * from './names.ts';
