/**
 * Every exception type the SDK can raise. The first block carries the official JavaScript SDK's
 * `KameleoonException` names verbatim, so `err.type === KameleoonException.X` checks written for
 * the official SDK keep working; the second block is ours.
 */
export const KameleoonException = {
  Credentials: 'Credentials',
  EventSourceInitialization: 'EventSourceInitialization',
  FeatureFlagConfigurationNotFound: 'FeatureFlagConfigurationNotFound',
  FeatureFlagVariableNotFound: 'FeatureFlagVariableNotFound',
  FeatureFlagVariationNotFound: 'FeatureFlagVariationNotFound',
  FeatureFlagExperimentNotFound: 'FeatureFlagExperimentNotFound',
  FeatureFlagEnvironmentDisabled: 'FeatureFlagEnvironmentDisabled',
  VisitAmount: 'VisitAmount',
  VisitorCodeMaxLength: 'VisitorCodeMaxLength',
  VisitorCodeEmpty: 'VisitorCodeEmpty',
  StorageInitialization: 'StorageInitialization',
  StorageWrite: 'StorageWrite',
  StorageRead: 'StorageRead',
  StorageParse: 'StorageParse',
  StorageEmpty: 'StorageEmpty',
  ClientConfiguration: 'ClientConfiguration',
  TargetingCondition: 'TargetingCondition',
  AmongValuesCheck: 'AmongValuesCheck',
  RangeCheck: 'RangeCheck',
  Initialization: 'Initialization',
  JSONParse: 'JSONParse',
  NumberParse: 'NumberParse',
  VersionParse: 'VersionParse',
  CookieParse: 'CookieParse',
  SemanticVersionParse: 'SemanticVersionParse',
  RemoteData: 'RemoteData',
  MaximumRetriesReached: 'MaximumRetriesReached',
  // Not in the official SDK:
  SiteCodeIsEmpty: 'SiteCodeIsEmpty',
  InvalidArgument: 'InvalidArgument',
  ConfigFileNotFound: 'ConfigFileNotFound',
} as const;

/** One of the {@link KameleoonException} values. */
export type KameleoonException = (typeof KameleoonException)[keyof typeof KameleoonException];

/**
 * The base class of every error the SDK throws. `type` names the kind (see
 * {@link KameleoonException}); a kind with a class of its own (the subclasses below: `InvalidArgument`,
 * `FeatureNotFound`, ...) is always an instance of that class, so `instanceof` and `type` never
 * disagree: `new KameleoonError(type, message)` with such a kind makes an instance of its class.
 * Kinds without one (`RemoteData`, `Credentials`, `VisitAmount`, ...) are plain `KameleoonError`s.
 *
 * Each class has its own `name` ('KameleoonError', 'InvalidArgument', ...), set on its prototype
 * as a string literal (as built-in errors do), so it survives minification.
 */
export class KameleoonError extends Error {
  /** The kind of error, equal to the official SDK's exception name where one exists. */
  readonly type: KameleoonException;

  static {
    this.prototype.name = 'KameleoonError';
  }

  constructor(type: KameleoonException, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.type = type;
    if (new.target === KameleoonError) {
      const own = Object.hasOwn(OWN_CLASS, type) ? OWN_CLASS[type] : undefined;
      // The subclasses' constructors only fix the kind and build the message: the instance is complete as it is.
      if (own) Object.setPrototypeOf(this, own.prototype);
    }
  }
}

/** The feature key is not in the configuration. */
export class FeatureNotFound extends KameleoonError {
  static {
    this.prototype.name = 'FeatureNotFound';
  }

  constructor(featureKey: string) {
    super(
      KameleoonException.FeatureFlagConfigurationNotFound,
      `No feature flag with key "${featureKey}" was found. Check the key, and that the client was initialized with the right site code and environment.`,
    );
  }
}

/** The flag exists but is switched off for this environment, or consent blocks its evaluation. */
export class FeatureEnvironmentDisabled extends KameleoonError {
  static {
    this.prototype.name = 'FeatureEnvironmentDisabled';
  }

  constructor(message: string) {
    super(KameleoonException.FeatureFlagEnvironmentDisabled, message);
  }
}

/** The visitor code is empty, too long or not a string (`type` says which). */
export class VisitorCodeInvalid extends KameleoonError {
  static {
    this.prototype.name = 'VisitorCodeInvalid';
  }

  constructor(type: 'VisitorCodeEmpty' | 'VisitorCodeMaxLength', message: string) {
    super(type, message);
  }
}

/** The variable key does not exist in the variation the visitor got. */
export class FeatureVariableNotFound extends KameleoonError {
  static {
    this.prototype.name = 'FeatureVariableNotFound';
  }

  constructor(variableKey: string, featureKey: string, variationKey: string) {
    super(
      KameleoonException.FeatureFlagVariableNotFound,
      `No variable "${variableKey}" in variation "${variationKey}" of feature flag "${featureKey}".`,
    );
  }
}

/** `setForcedVariation` named an experiment id that no rule of the configuration has. */
export class FeatureExperimentNotFound extends KameleoonError {
  static {
    this.prototype.name = 'FeatureExperimentNotFound';
  }

  constructor(experimentId: number) {
    super(
      KameleoonException.FeatureFlagExperimentNotFound,
      `No rule with experiment id ${experimentId} was found in the configuration.`,
    );
  }
}

/** The variation key does not exist where it was looked for. */
export class FeatureVariationNotFound extends KameleoonError {
  static {
    this.prototype.name = 'FeatureVariationNotFound';
  }

  constructor(message: string) {
    super(KameleoonException.FeatureFlagVariationNotFound, message);
  }
}

/** `new KameleoonClient` was given an empty site code. */
export class SiteCodeIsEmpty extends KameleoonError {
  static {
    this.prototype.name = 'SiteCodeIsEmpty';
  }

  constructor() {
    super(
      KameleoonException.SiteCodeIsEmpty,
      'The site code is empty: pass the site code of your Kameleoon project, e.g. new KameleoonClient({ siteCode: "a1b2c3d4e5" }).',
    );
  }
}

/** A method was called before `initialize()` resolved. */
export class NotInitialized extends KameleoonError {
  static {
    this.prototype.name = 'NotInitialized';
  }

  constructor(method: string) {
    super(
      KameleoonException.Initialization,
      `${method}() was called before the client was initialized: await client.initialize() first.`,
    );
  }
}

/** A parameter has the wrong type or value. */
export class InvalidArgument extends KameleoonError {
  static {
    this.prototype.name = 'InvalidArgument';
  }

  constructor(message: string, options?: { cause?: unknown }) {
    super(KameleoonException.InvalidArgument, message, options);
  }
}

/** The configuration could not be used (malformed JSON, wrong shape, fetch failure). */
export class ConfigurationError extends KameleoonError {
  static {
    this.prototype.name = 'ConfigurationError';
  }

  constructor(message: string, cause?: unknown) {
    super(KameleoonException.ClientConfiguration, message, { cause });
  }
}

/** A configuration file given explicitly does not exist. */
export class ConfigFileNotFound extends KameleoonError {
  static {
    this.prototype.name = 'ConfigFileNotFound';
  }

  constructor(message: string) {
    super(KameleoonException.ConfigFileNotFound, message);
  }
}

/** Raised by targeting conditions whose own data is malformed (bad regular expression, bad range...). */
export class TargetingError extends KameleoonError {
  static {
    this.prototype.name = 'TargetingError';
  }

  constructor(
    type: 'TargetingCondition' | 'AmongValuesCheck' | 'RangeCheck' | 'NumberParse' | 'VersionParse' | 'SemanticVersionParse',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(type, message, options);
  }
}

/** The class of each kind that has one of its own (test/client/errors.test.ts checks every kind). */
const OWN_CLASS: Partial<Record<KameleoonException, { prototype: KameleoonError }>> = {
  FeatureFlagConfigurationNotFound: FeatureNotFound,
  FeatureFlagEnvironmentDisabled: FeatureEnvironmentDisabled,
  VisitorCodeEmpty: VisitorCodeInvalid,
  VisitorCodeMaxLength: VisitorCodeInvalid,
  FeatureFlagVariableNotFound: FeatureVariableNotFound,
  FeatureFlagExperimentNotFound: FeatureExperimentNotFound,
  FeatureFlagVariationNotFound: FeatureVariationNotFound,
  SiteCodeIsEmpty,
  Initialization: NotInitialized,
  InvalidArgument,
  ClientConfiguration: ConfigurationError,
  ConfigFileNotFound,
  TargetingCondition: TargetingError,
  AmongValuesCheck: TargetingError,
  RangeCheck: TargetingError,
  NumberParse: TargetingError,
  VersionParse: TargetingError,
  SemanticVersionParse: TargetingError,
};
