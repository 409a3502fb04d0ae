import { RequestType, type IExternalRequester, type SendRequestParametersType } from '../../../src/index.ts';

/**
 * A requester that never touches the network, for pages and Node clients under test: it answers
 * configuration requests with `configuration` (JSON text) and anything else (tracking, remote
 * data) with an empty 204. It records each request so that a test can tell what the SDK asked.
 */
export function offlineRequester(configuration: string): IExternalRequester & { requests: SendRequestParametersType[] } {
  const requests: SendRequestParametersType[] = [];
  return {
    requests,
    async sendRequest(params) {
      requests.push(params);
      return params.requestType === RequestType.Configuration
        ? new Response(configuration, { status: 200, headers: { 'Content-Type': 'application/json' } })
        : new Response(null, { status: 204 });
    },
  };
}
