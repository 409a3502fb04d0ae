import { msg } from './logging/msg.ts';

/**
 * Every exception type the SDK can raise. The first block carries the official JavaScript SDK's
 * `KameleoonException` names verbatim, so `err.type === KameleoonException.X` checks written for
 * the official SDK keep working; the second block is ours.
 */
export const KameleoonException = {
  /** Server authentication failed: no `clientId` and `clientSecret`, or no access token could be obtained. */
  Credentials: 'Credentials',
  /** Official kind, never raised by this SDK. */
  EventSourceInitialization: 'EventSourceInitialization',
  /** The configuration has no flag with the key ({@link FeatureNotFound}). */
  FeatureFlagConfigurationNotFound: 'FeatureFlagConfigurationNotFound',
  /** The visitor's variation has no variable with the key ({@link FeatureVariableNotFound}). */
  FeatureFlagVariableNotFound: 'FeatureFlagVariableNotFound',
  /** The variation key is not a variation of the flag or experiment ({@link FeatureVariationNotFound}). */
  FeatureFlagVariationNotFound: 'FeatureFlagVariationNotFound',
  /** No rule has the experiment id ({@link FeatureExperimentNotFound}). */
  FeatureFlagExperimentNotFound: 'FeatureFlagExperimentNotFound',
  /** The flag is disabled in this environment, or consent blocks its evaluation ({@link FeatureEnvironmentDisabled}). */
  FeatureFlagEnvironmentDisabled: 'FeatureFlagEnvironmentDisabled',
  /** `filters.previousVisitAmount` of `getRemoteVisitorData` is not an integer from 1 to 25. */
  VisitAmount: 'VisitAmount',
  /** The visitor code is longer than 255 characters ({@link VisitorCodeInvalid}). */
  VisitorCodeMaxLength: 'VisitorCodeMaxLength',
  /** The visitor code is empty or not a string ({@link VisitorCodeInvalid}). */
  VisitorCodeEmpty: 'VisitorCodeEmpty',
  /** Official kind, never raised by this SDK. */
  StorageInitialization: 'StorageInitialization',
  /** Official kind, never raised by this SDK. */
  StorageWrite: 'StorageWrite',
  /** Official kind, never raised by this SDK. */
  StorageRead: 'StorageRead',
  /** Official kind, never raised by this SDK. */
  StorageParse: 'StorageParse',
  /** Official kind, never raised by this SDK. */
  StorageEmpty: 'StorageEmpty',
  /** The configuration could not be obtained or used ({@link ConfigurationError}). */
  ClientConfiguration: 'ClientConfiguration',
  /** A targeting condition is malformed, e.g. a refused or missing regular expression ({@link TargetingError}). */
  TargetingCondition: 'TargetingCondition',
  /** The value of an AMONG_VALUES custom data condition is not a JSON array ({@link TargetingError}). */
  AmongValuesCheck: 'AmongValuesCheck',
  /** The range of a custom data condition is not `[low, high]` ({@link TargetingError}). */
  RangeCheck: 'RangeCheck',
  /** A method that needs the configuration was called before one was loaded ({@link NotInitialized}). */
  Initialization: 'Initialization',
  /** Official kind, never raised by this SDK. */
  JSONParse: 'JSONParse',
  /** Official kind, never raised by this SDK; its class is {@link TargetingError}. */
  NumberParse: 'NumberParse',
  /** The version of a browser condition is not a number ({@link TargetingError}). */
  VersionParse: 'VersionParse',
  /** Official kind, never raised by this SDK. */
  CookieParse: 'CookieParse',
  /** A version compared by a condition is not of the form `x.y.z` ({@link TargetingError}). */
  SemanticVersionParse: 'SemanticVersionParse',
  /** A Data API request failed (network error, timeout, error status, a body that is not JSON), or the warehouse data is empty. */
  RemoteData: 'RemoteData',
  /** Official kind, never raised by this SDK. */
  MaximumRetriesReached: 'MaximumRetriesReached',
  // Not in the official SDK:
  /** `new KameleoonClient` was given an empty site code ({@link SiteCodeIsEmpty}). */
  SiteCodeIsEmpty: 'SiteCodeIsEmpty',
  /** A parameter has the wrong type or value ({@link InvalidArgument}). */
  InvalidArgument: 'InvalidArgument',
  /** A configuration file given explicitly does not exist ({@link ConfigFileNotFound}). */
  ConfigFileNotFound: 'ConfigFileNotFound',
} as const;

/** One of the `KameleoonException` values. */
export type KameleoonException = (typeof KameleoonException)[keyof typeof KameleoonException];

/**
 * The base class of every error the SDK throws. `type` names the kind (see
 * `KameleoonException`); a kind with a class of its own (the subclasses below: `InvalidArgument`,
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

  /**
   * @param type - the kind of error; called as `new KameleoonError(type, ...)`, a kind with a class
   * of its own gives an instance of that class (e.g. `InvalidArgument` for `'InvalidArgument'`)
   * @param message - the error message
   * @param options - `cause`: the underlying error, as for `Error`
   */
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

  /**
   * Of type `FeatureFlagConfigurationNotFound`.
   * @param featureKey - the key that was not found, quoted in the message
   */
  constructor(featureKey: string) {
    super(
      KameleoonException.FeatureFlagConfigurationNotFound,
      msg`No feature flag with key "${featureKey}" was found. Check the key, and that the client was initialized with the right site code and environment.`,
    );
  }
}

/** The flag exists but is switched off for this environment, or consent blocks its evaluation. */
export class FeatureEnvironmentDisabled extends KameleoonError {
  static {
    this.prototype.name = 'FeatureEnvironmentDisabled';
  }

  /**
   * Of type `FeatureFlagEnvironmentDisabled`.
   * @param message - the error message
   */
  constructor(message: string) {
    super(KameleoonException.FeatureFlagEnvironmentDisabled, message);
  }
}

/** The error of an evaluation of a flag that is disabled in the client's environment. */
export function disabledIn(featureKey: string, environment: string): FeatureEnvironmentDisabled {
  return new FeatureEnvironmentDisabled(msg`Feature flag "${featureKey}" is disabled in the "${environment}" environment.`);
}

/** The visitor code is empty, too long or not a string (`type` says which). */
export class VisitorCodeInvalid extends KameleoonError {
  static {
    this.prototype.name = 'VisitorCodeInvalid';
  }

  /**
   * @param type - `VisitorCodeEmpty` (empty or not a string) or `VisitorCodeMaxLength` (longer than 255 characters)
   * @param message - the error message
   */
  constructor(type: 'VisitorCodeEmpty' | 'VisitorCodeMaxLength', message: string) {
    super(type, message);
  }
}

/** The variable key does not exist in the variation the visitor got. */
export class FeatureVariableNotFound extends KameleoonError {
  static {
    this.prototype.name = 'FeatureVariableNotFound';
  }

  /**
   * Of type `FeatureFlagVariableNotFound`; the message names the three keys.
   * @param variableKey - the variable that was not found
   * @param featureKey - the flag
   * @param variationKey - the visitor's variation of the flag, which has no such variable
   */
  constructor(variableKey: string, featureKey: string, variationKey: string) {
    super(
      KameleoonException.FeatureFlagVariableNotFound,
      msg`No variable "${variableKey}" in variation "${variationKey}" of feature flag "${featureKey}".`,
    );
  }
}

/** `setForcedVariation` named an experiment id that no rule of the configuration has. */
export class FeatureExperimentNotFound extends KameleoonError {
  static {
    this.prototype.name = 'FeatureExperimentNotFound';
  }

  /**
   * Of type `FeatureFlagExperimentNotFound`.
   * @param experimentId - the experiment id that no rule has, quoted in the message
   */
  constructor(experimentId: number) {
    super(
      KameleoonException.FeatureFlagExperimentNotFound,
      msg`No rule with experiment id ${experimentId} was found in the configuration.`,
    );
  }
}

/** The variation key does not exist where it was looked for. */
export class FeatureVariationNotFound extends KameleoonError {
  static {
    this.prototype.name = 'FeatureVariationNotFound';
  }

  /**
   * Of type `FeatureFlagVariationNotFound`.
   * @param message - the error message
   */
  constructor(message: string) {
    super(KameleoonException.FeatureFlagVariationNotFound, message);
  }
}

/** `new KameleoonClient` was given an empty site code. */
export class SiteCodeIsEmpty extends KameleoonError {
  static {
    this.prototype.name = 'SiteCodeIsEmpty';
  }

  /** Of type `SiteCodeIsEmpty`, with a message that shows how to pass the site code. */
  constructor() {
    super(
      KameleoonException.SiteCodeIsEmpty,
      msg`The site code is empty: pass the site code of your Kameleoon project, e.g. new KameleoonClient({ siteCode: "a1b2c3d4e5" }).`,
    );
  }
}

/** A method was called before `initialize()` resolved. */
export class NotInitialized extends KameleoonError {
  static {
    this.prototype.name = 'NotInitialized';
  }

  /**
   * Of type `Initialization` (the official SDK's kind for this case).
   * @param method - the name of the method that was called, quoted in the message
   */
  constructor(method: string) {
    super(
      KameleoonException.Initialization,
      msg`${method}() was called before the client was initialized: await client.initialize() first.`,
    );
  }
}

/** A parameter has the wrong type or value. */
export class InvalidArgument extends KameleoonError {
  static {
    this.prototype.name = 'InvalidArgument';
  }

  /**
   * Of type `InvalidArgument`.
   * @param message - the error message
   * @param options - `cause`: the underlying error, as for `Error`
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super(KameleoonException.InvalidArgument, message, options);
  }
}

/** The configuration could not be used (malformed JSON, wrong shape, fetch failure). */
export class ConfigurationError extends KameleoonError {
  static {
    this.prototype.name = 'ConfigurationError';
  }

  /**
   * Of type `ClientConfiguration`.
   * @param message - the error message
   * @param cause - the underlying error (a parse or network error), set as `cause`
   */
  constructor(message: string, cause?: unknown) {
    super(KameleoonException.ClientConfiguration, message, { cause });
  }
}

/** A configuration file given explicitly does not exist. */
export class ConfigFileNotFound extends KameleoonError {
  static {
    this.prototype.name = 'ConfigFileNotFound';
  }

  /**
   * Of type `ConfigFileNotFound`.
   * @param message - the error message
   */
  constructor(message: string) {
    super(KameleoonException.ConfigFileNotFound, message);
  }
}

/** Raised by targeting conditions whose own data is malformed (bad regular expression, bad range...). */
export class TargetingError extends KameleoonError {
  static {
    this.prototype.name = 'TargetingError';
  }

  /**
   * @param type - the official SDK's kind for the fault: `TargetingCondition` (e.g. a refused or
   * missing regular expression, a segment that refers to itself), `AmongValuesCheck`, `RangeCheck`,
   * `NumberParse`, `VersionParse` or `SemanticVersionParse`
   * @param message - the error message
   * @param options - `cause`: the underlying error, as for `Error`
   */
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
