import type { ObjectDelta } from '../../core/connector-space.js';
import type { Contribution } from '../../core/metaverse.js';
import { parseWithValues, stringifyWithValues } from '../../core/value-codec.js';

/**
 * Compact row encodings for the two maps that repeat the same source for nearly every attribute:
 * an MV object's contributions (connector, rule and CS id per attribute) and a delta's `sources`
 * (rule per attribute). Stored grouped by source, they shrink a metaverse row about fourfold, and
 * smaller rows are what keeps a sync's writes fast.
 */
type ContributionGroup = [connector: string, rule: string, csId: string, attributes: string[]];

export function encodeContributions(contributions: Readonly<Record<string, Contribution>>): string {
  // The engine shares one record among the attributes a rule supplied: group by identity first,
  // then merge groups of equal records (a handful per object).
  const byRecord = new Map<Contribution, string[]>();
  for (const attribute in contributions) {
    const c = contributions[attribute] as Contribution;
    const attributes = byRecord.get(c);
    if (attributes) attributes.push(attribute);
    else byRecord.set(c, [attribute]);
  }
  const groups: ContributionGroup[] = [];
  for (const [c, attributes] of byRecord) {
    const same = groups.find((g) => g[0] === c.connector && g[1] === c.rule && g[2] === c.csId);
    if (same) same[3].push(...attributes);
    else groups.push([c.connector, c.rule, c.csId, attributes]);
  }
  return JSON.stringify(groups);
}

/** Reads contributions back, one shared record per group as the engine writes them. */
export function decodeContributions(text: string): Record<string, Contribution> {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) return parsed as Record<string, Contribution>;
  const out: Record<string, Contribution> = {};
  for (const [connector, rule, csId, attributes] of parsed as ContributionGroup[]) {
    const contribution: Contribution = { connector, rule, csId };
    for (const attribute of attributes) out[attribute] = contribution;
  }
  return out;
}

type StoredDelta = Omit<ObjectDelta, 'sources'> & { sources?: Record<string, string[]> };

export function encodeDelta(delta: ObjectDelta): string {
  if (!delta.sources) return stringifyWithValues(delta);
  const byRule: Record<string, string[]> = {};
  for (const attribute in delta.sources) (byRule[delta.sources[attribute] as string] ??= []).push(attribute);
  return stringifyWithValues({ ...delta, sources: byRule });
}

export function decodeDelta(text: string): ObjectDelta {
  const stored = parseWithValues<StoredDelta>(text);
  if (!stored.sources) return stored as Omit<StoredDelta, 'sources'>;
  const sources: Record<string, string> = {};
  for (const [rule, attributes] of Object.entries(stored.sources))
    for (const attribute of attributes) sources[attribute] = rule;
  return { ...stored, sources };
}
