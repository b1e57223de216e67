import type { SyncRuleInput } from '../rule-schema.js';

/** The building blocks the built-in presets write their rules with. */
export type FlowInput = NonNullable<SyncRuleInput['flows']>[number];
type Joins = NonNullable<SyncRuleInput['joins']>;

/** A direct flow; the source defaults to the attribute of the same name. */
export function direct(target: string, source = target): FlowInput {
  return { target, source };
}

export function expression(target: string, text: string): FlowInput {
  return { target, expression: text };
}

/**
 * A join-only inbound rule: it links a connector object to the metaverse object the `joins` find and
 * never projects one. The cloud-side rules of every preset are of this kind.
 */
export function joinOnlyRule(
  connector: string,
  rule: { name: string; csObjectType: string; mvObjectType: string; precedence: number },
  joins: Joins,
  flows: readonly FlowInput[] = [],
): SyncRuleInput {
  return {
    ...rule,
    direction: 'inbound',
    connector,
    linkType: 'join',
    joins,
    ...(flows.length > 0 ? { flows: [...flows] } : {}),
  };
}
