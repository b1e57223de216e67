/**
 * The small family of whole-operation failures. Per-object problems are data (`ObjectIssue`),
 * never exceptions. One top-level handler per entry point maps these classes to exit codes.
 */
export interface ErrorPathItem {
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly field?: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    readonly where: ErrorPathItem = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export const CONNECTOR_ERROR_KINDS = [
  'connectivity',
  'authentication',
  'authorization',
  'tls',
  'watermark-rejected',
  'protocol',
  'input',
] as const;
export type ConnectorErrorKind = (typeof CONNECTOR_ERROR_KINDS)[number];

export class ConnectorError extends Error {
  override readonly name = 'ConnectorError';
  constructor(
    message: string,
    readonly kind: ConnectorErrorKind,
    readonly isRetryable = false,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    message: string,
    readonly isBusy = false,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export const SAFETY_GATES = ['staging-mode', 'deletion-threshold', 'lease-not-held'] as const;
export type SafetyGate = (typeof SAFETY_GATES)[number];

export class SafetyGateError extends Error {
  override readonly name = 'SafetyGateError';
  constructor(
    message: string,
    readonly gate: SafetyGate,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A usage mistake on the command line or API (unknown connector, bad flag value). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export class InternalError extends Error {
  override readonly name = 'InternalError';
}

export function assertNever(value: never, what = 'value'): never {
  throw new InternalError(`unexpected ${what}: ${JSON.stringify(value)}`);
}

/** A per-object problem recorded in run history; never thrown. */
export interface ObjectIssue {
  /** Microsoft vocabulary where one exists: `exported-change-not-reimported`, `sync-rule-error-function-triggered`, ... */
  readonly code: string;
  readonly message: string;
  readonly csId?: string;
  readonly mvId?: string;
  readonly dn?: string;
  readonly rule?: string;
  readonly attribute?: string;
}
