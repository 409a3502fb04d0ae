/**
 * The client's Data API methods, loaded with the remote access on first use: most pages never
 * call them, so their code stays out of the core bundle.
 */
import type { JSONType } from '../config/variables.ts';
import { InvalidArgument, KameleoonError, KameleoonException } from '../errors.ts';
import type { RemoteVisitorDataFiltersType } from '../remote/remoteData.ts';
import { applyData, storedKinds } from '../visitor/applyData.ts';
import { describeValue, type CustomData, type KameleoonDataType } from '../visitor/data.ts';
import { validateVisitorCode } from '../visitor/visitorCode.ts';
import { emptyVisitorData } from '../visitor/visitorStore.ts';
import { optionalBoolean, optionalTimeout, requireObject } from './arguments.ts';
import type { ClientCore } from './core.ts';

/**
 * The JSON stored in Kameleoon's Data API under `key`.
 * @throws KameleoonError (RemoteData) on a network error, a timeout or an error status; InvalidArgument
 * (every error is a rejection, as in the official SDK)
 */
export async function getRemoteData(c: ClientCore, params: string | { key: string; timeout?: number }): Promise<JSONType> {
  const { key, timeout } = typeof params === 'string' ? { key: params, timeout: undefined } : requireObject(params, 'getRemoteData', '{ key, timeout? }');
  if (typeof key !== 'string' || key === '') throw new InvalidArgument('getRemoteData(): key must be a non-empty string.');
  const ms = optionalTimeout(timeout, 'getRemoteData');
  return (await c.remote()).data(key, ms);
}

/**
 * The visitor's data from previous visits (Data API), as Kameleoon data objects; with
 * `shouldAddData` (default true) they are added to the visitor for targeting. Custom data of
 * VISITOR scope is always added (cross-device synchronisation). Experiments of previous visits
 * count as assigned and as already tracked.
 * @throws VisitorCodeInvalid, NotInitialized, KameleoonError (RemoteData, VisitAmount)
 */
export async function getRemoteVisitorData(c: ClientCore, params: { visitorCode: string; shouldAddData?: boolean; filters?: RemoteVisitorDataFiltersType; timeout?: number }): Promise<KameleoonDataType[]> {
  const { visitorCode, shouldAddData, filters, timeout } = requireObject(params, 'getRemoteVisitorData', '{ visitorCode, shouldAddData?, filters?, timeout? }');
  validateVisitorCode(visitorCode);
  const config = c.requireConfig('getRemoteVisitorData');
  const ms = optionalTimeout(timeout, 'getRemoteVisitorData');
  const amount = (filters as RemoteVisitorDataFiltersType | null | undefined)?.previousVisitAmount;
  if (amount !== undefined && typeof amount !== 'number') throw new KameleoonError(KameleoonException.VisitAmount, `getRemoteVisitorData(): filters.previousVisitAmount must be an integer from 1 to 25, got ${describeValue(amount)}.`);
  const known = c.visitors.peek(visitorCode);
  const result = await (await c.remote()).visitorData(visitorCode, filters, storedKinds(known === undefined ? undefined : c.visitors.dataOf(known)), ms);
  const visitor = c.visitors.touch(visitorCode);
  const toStore = optionalBoolean(shouldAddData, 'shouldAddData', 'getRemoteVisitorData', true) ? result.dataToStore : result.alwaysStored;
  applyData(visitor, toStore, config, c.visitors, c.logger);
  c.tracker.recordData(visitor, toStore.filter((item) => !result.sent.has(item)));
  const assignments = c.visitors.assignments(visitor);
  for (const [experimentId, variationId] of result.experiments) if (!assignments.has(experimentId)) assignments.set(experimentId, variationId, false, false);
  c.visitors.markSent(visitor, [...result.experiments.keys()]);
  const data = c.visitors.extraOf(c.visitors.ownerOf(visitor));
  if (result.kcs) (data.data ??= emptyVisitorData()).kcs = result.kcs;
  if (result.cbScores) (data.data ??= emptyVisitorData()).cbScores = result.cbScores;
  c.visitors.changed(visitor);
  return result.visitorData;
}

/**
 * The visitor's warehouse audiences, stored as custom data at `customDataIndex` (and returned).
 * @throws VisitorCodeInvalid, NotInitialized, KameleoonError (RemoteData)
 */
export async function getVisitorWarehouseAudience(c: ClientCore, params: { visitorCode: string; customDataIndex: number; warehouseKey?: string; timeout?: number }): Promise<CustomData | null> {
  const { visitorCode, customDataIndex, warehouseKey, timeout } = requireObject(params, 'getVisitorWarehouseAudience', '{ visitorCode, customDataIndex, warehouseKey?, timeout? }');
  validateVisitorCode(visitorCode);
  c.requireConfig('getVisitorWarehouseAudience');
  if (!Number.isInteger(customDataIndex) || customDataIndex < 0) throw new InvalidArgument('getVisitorWarehouseAudience(): customDataIndex must be a non-negative integer.');
  if (warehouseKey !== undefined && typeof warehouseKey !== 'string') throw new InvalidArgument('getVisitorWarehouseAudience(): warehouseKey must be a string.');
  const ms = optionalTimeout(timeout, 'getVisitorWarehouseAudience');
  return (await c.remote()).warehouseAudience(visitorCode, customDataIndex, warehouseKey, ms);
}
