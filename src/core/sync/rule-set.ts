import { compileScope } from '../scope-filter.js';
import type { SyncRule } from '../sync-rule.js';
import type { Attributes } from '../values.js';

type ScopeTest = (attribute: (name: string) => ReturnType<() => Attributes[string] | undefined>) => boolean;

/** A rule with its scoping filter compiled once. */
export interface CompiledRule {
  readonly rule: SyncRule;
  readonly isInScope: (attributes: Attributes) => boolean;
}

/**
 * The active sync rules, indexed the ways the engine asks for them:
 * inbound by (connector, CS object type), outbound by (MV object type) and per target connector.
 */
export class RuleSet {
  readonly rules: readonly SyncRule[];
  private readonly inbound = new Map<string, CompiledRule[]>();
  private readonly outbound = new Map<string, CompiledRule[]>();

  constructor(rules: readonly SyncRule[]) {
    this.rules = rules.filter((r) => !r.isDisabled).sort((a, b) => a.precedence - b.precedence);
    for (const rule of this.rules) {
      const test = compileScope(rule.scope) as ScopeTest;
      const compiled: CompiledRule = { rule, isInScope: (attributes) => test((name) => attributes[name]) };
      const key = rule.direction === 'inbound' ? `${rule.connector}\u0000${rule.csObjectType}` : rule.mvObjectType;
      const map = rule.direction === 'inbound' ? this.inbound : this.outbound;
      const list = map.get(key) ?? [];
      list.push(compiled);
      map.set(key, list);
    }
  }

  /** Inbound rules of `connector` for CS objects of `csObjectType`, by precedence. */
  inboundRules(connector: string, csObjectType: string): readonly CompiledRule[] {
    return this.inbound.get(`${connector}\u0000${csObjectType}`) ?? [];
  }

  /** Outbound rules for MV objects of `mvObjectType`, by precedence, across all target connectors. */
  outboundRules(mvObjectType: string): readonly CompiledRule[] {
    return this.outbound.get(mvObjectType) ?? [];
  }

  /** MV attributes used by inbound join rules and CS attributes used by outbound join rules. */
  joinIndexes(): { mvAttributes: string[]; csAttributes: Record<string, string[]> } {
    const mv = new Set<string>();
    const cs: Record<string, Set<string>> = {};
    for (const rule of this.rules) {
      for (const group of rule.joins) {
        for (const condition of group) {
          if (rule.direction === 'inbound') mv.add(condition.mvAttribute);
          else (cs[rule.connector] ??= new Set()).add(condition.csAttribute);
        }
      }
    }
    return {
      mvAttributes: [...mv].sort(),
      csAttributes: Object.fromEntries(Object.entries(cs).map(([k, v]) => [k, [...v].sort()])),
    };
  }

  /** A stable fingerprint of the rules; a change means the next cycle must be Initial (full sync). */
  fingerprint(): string {
    return JSON.stringify(this.rules, (_key, value: unknown) =>
      typeof value === 'bigint' ? value.toString() : value instanceof Uint8Array ? [...value] : value,
    );
  }
}
