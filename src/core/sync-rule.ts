import type { AttributeValue } from './values.js';
import type { Expression } from './expressions/index.js';

export const SYNC_DIRECTIONS = ['inbound', 'outbound'] as const;
export type SyncDirection = (typeof SYNC_DIRECTIONS)[number];

/** `provision`: inbound projects an MV object / outbound creates a CS object; `join`: only links. */
export const LINK_TYPES = ['join', 'provision', 'sticky-join'] as const;
export type LinkType = (typeof LINK_TYPES)[number];

export const SCOPE_OPERATORS = [
  'EQUAL',
  'NOTEQUAL',
  'LESSTHAN',
  'LESSTHAN_OR_EQUAL',
  'GREATERTHAN',
  'GREATERTHAN_OR_EQUAL',
  'STARTSWITH',
  'NOTSTARTSWITH',
  'ENDSWITH',
  'NOTENDSWITH',
  'CONTAINS',
  'NOTCONTAINS',
  'ISNULL',
  'ISNOTNULL',
  'ISIN',
  'ISNOTIN',
  'ISBITSET',
  'ISNOTBITSET',
] as const;
export type ScopeOperator = (typeof SCOPE_OPERATORS)[number];

export interface ScopeCondition {
  readonly attribute: string;
  readonly operator: ScopeOperator;
  /** Absent for ISNULL / ISNOTNULL; for ISIN / ISNOTIN a list separated by ';'. */
  readonly value?: string;
}

/** AND within a group, OR between groups; no groups means every object is in scope. */
export type ScopeFilter = readonly (readonly ScopeCondition[])[];

export interface JoinCondition {
  readonly csAttribute: string;
  readonly mvAttribute: string;
  readonly isCaseSensitive: boolean;
}

/** Ordered: the first group that yields exactly one match wins. */
export type JoinGroups = readonly (readonly JoinCondition[])[];

export const MERGE_TYPES = ['update', 'merge', 'merge-case-insensitive'] as const;
export type MergeType = (typeof MERGE_TYPES)[number];

interface FlowBase {
  /** Target attribute: MV attribute for inbound rules, CS attribute (or `dn`) for outbound rules. */
  readonly target: string;
  /** Only flows when the target object is created. */
  readonly isApplyOnce: boolean;
  readonly mergeType: MergeType;
}

export type AttributeFlow =
  | (FlowBase & { readonly kind: 'direct'; readonly source: string })
  | (FlowBase & { readonly kind: 'constant'; readonly values: readonly AttributeValue[] })
  | (FlowBase & { readonly kind: 'expression'; readonly expression: Expression });

export const DEPROVISION_ACTIONS = ['delete', 'disconnect', 'keep'] as const;
export type DeprovisionAction = (typeof DEPROVISION_ACTIONS)[number];

/**
 * A declarative sync rule. Inbound: source is a CS object of `connector`, target the MV object.
 * Outbound: source is the MV object, target a CS object of `connector`.
 */
export interface SyncRule {
  readonly name: string;
  readonly description: string;
  readonly direction: SyncDirection;
  readonly connector: string;
  readonly csObjectType: string;
  readonly mvObjectType: string;
  readonly linkType: LinkType;
  /** Lower wins, per attribute. */
  readonly precedence: number;
  readonly scope: ScopeFilter;
  readonly joins: JoinGroups;
  readonly flows: readonly AttributeFlow[];
  /** Outbound provisioning rules: what happens to the CS object when the MV object leaves scope. */
  readonly deprovision: DeprovisionAction;
  readonly isDisabled: boolean;
  readonly isPasswordSync: boolean;
}

/** The attribute of an outbound rule's flow that sets the DN of provisioned objects. */
export const DN_TARGET = 'dn';
