/**
 * The official JavaScript SDK's documented forms (official-js-sdk.md §2a), unchanged but for the
 * package name, on a Node.js server. Type-checked in the ES-module and CommonJS projects.
 */
import {
  Conversion,
  CustomData,
  EventType,
  KameleoonClient,
  KameleoonError,
  KameleoonException,
  LogLevel,
  PageView,
  type Variation,
} from 'kameleoon-ts';

export const client = new KameleoonClient({
  siteCode: 'abc',
  configuration: { updateInterval: 60, environment: 'production' },
});

export async function checkout(defaultVisitorCode: string): Promise<string> {
  try {
    await client.initialize();
  } catch (error) {
    if (error instanceof KameleoonError && error.type === KameleoonException.ClientConfiguration) {
      return 'no configuration yet';
    }
    throw error;
  }
  client.setLogLevel(LogLevel.WARNING);
  client.onEvent(EventType.Evaluation, ({ featureKey, variation }) => {
    console.log(featureKey, variation.key, variation.id, variation.experimentId);
  });
  client.onEvent(EventType.ConfigurationUpdate, ({ timestamp }) => console.log(new Date(timestamp)));

  const visitorCode: string = client.getVisitorCode(defaultVisitorCode);
  client.addData(visitorCode, new CustomData(1, 'value'), new Conversion({ goalId: 1, revenue: 10 }));
  client.addData(visitorCode, new CustomData('plan', 'premium'), new PageView({ urlAddress: 'https://example.com/', title: 'Home' }));
  client.flush(visitorCode);
  client.flush({ visitorCode, instant: true });

  const variation: Variation = client.getVariation({ visitorCode, featureKey: 'new_checkout', track: false });
  const color = variation.variables.get('color')?.value;
  const active: boolean = client.isFeatureFlagActive(visitorCode, 'new_checkout');
  const alsoActive: boolean = client.isFeatureFlagActive({ visitorCode, featureKey: 'new_checkout', track: false });
  const { type, value } = client.getFeatureFlagVariable({ visitorCode, featureKey: 'new_checkout', variableKey: 'color' });
  const variations: Map<string, Variation> = client.getVariations({ visitorCode, onlyActive: true });
  client.trackConversion({ visitorCode, goalId: 1, revenue: 10 });

  try {
    client.getVariation({ visitorCode, featureKey: 'missing_flag' });
  } catch (error) {
    if (error instanceof KameleoonError) {
      switch (error.type) {
        case KameleoonException.FeatureFlagConfigurationNotFound:
        case KameleoonException.FeatureFlagEnvironmentDisabled:
          break;
        case KameleoonException.VisitorCodeEmpty:
        case KameleoonException.VisitorCodeMaxLength:
          throw new Error(`bad visitor code: ${error.message}`);
        default:
          throw error;
      }
    }
  }
  const remote = await client.getRemoteData('remote_key');
  return JSON.stringify({ key: variation.key, color, active, alsoActive, type, value, count: variations.size, remote });
}
