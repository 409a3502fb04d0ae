// The Flags Explorer's discovery endpoint: the flags declared in code, merged with Kameleoon's.
import { mergeProviderData } from 'flags';
import { createFlagsDiscoveryEndpoint, getProviderData as fromCode } from 'flags/next';
import { getProviderData } from 'kameleoon-ts/flags-sdk';
import * as flags from '../../../../flags';
import { kameleoon } from '../../../../kameleoon';

export const GET = createFlagsDiscoveryEndpoint(() => mergeProviderData([fromCode(flags), getProviderData(kameleoon)]));
