import { describe, expect, it } from 'vitest';

import { parseExpression } from '../expressions/index.js';
import type { AttributeFlow, MergeType, SyncRule } from '../sync-rule.js';
import type { Attributes } from '../values.js';
import { FlowError, PrecedenceMerge } from './flows.js';

function rule(name: string, precedence: number, flows: AttributeFlow[]): SyncRule {
  return {
    name,
    description: '',
    direction: 'inbound',
    connector: 'corp',
    csObjectType: 'user',
    mvObjectType: 'person',
    linkType: 'provision',
    precedence,
    scope: [],
    joins: [],
    flows,
    deprovision: 'delete',
    isDisabled: false,
    isPasswordSync: false,
  };
}

function expr(target: string, source: string, mergeType: MergeType = 'update', isApplyOnce = false): AttributeFlow {
  return { kind: 'expression', target, expression: parseExpression(source), isApplyOnce, mergeType };
}

function direct(target: string, source: string, mergeType: MergeType = 'update'): AttributeFlow {
  return { kind: 'direct', target, source, isApplyOnce: false, mergeType };
}

/** Offers the rules in the order given (the caller's job is precedence order) against one source. */
function merge(rules: SyncRule[], source: Attributes, existing: Attributes = {}, isNew = true) {
  const m = new PrecedenceMerge();
  for (const r of rules) m.offer(r, `cs-${r.name}`, source, {}, isNew);
  return { ...m.result(existing), targets: [...m.targets()] };
}

describe('PrecedenceMerge', () => {
  it('gives an update attribute to the highest-precedence rule with a value, and names it as the winner', () => {
    const out = merge(
      [
        rule('high', 10, [direct('mail', 'none')]),
        rule('mid', 20, [direct('mail', 'a')]),
        rule('low', 30, [direct('mail', 'b')]),
      ],
      { a: ['a@x'], b: ['b@x'] },
    );
    expect(out.attributes).toEqual({ mail: ['a@x'] });
    expect(out.winners.get('mail')).toMatchObject({ csId: 'cs-mid', rule: { name: 'mid' } });
  });

  it('lets NULL pass to lower rules, drops the existing value when nobody supplies one, and stops at AuthoritativeNull', () => {
    const source = { b: ['b'] };
    expect(merge([rule('r1', 1, [expr('x', 'NULL')])], source, { x: ['old'] }).attributes).toEqual({});
    expect(merge([rule('r1', 1, [expr('x', 'NULL')]), rule('r2', 2, [direct('x', 'b')])], source).attributes).toEqual({
      x: ['b'],
    });
    const stopped = merge(
      [rule('r1', 1, [expr('x', 'AuthoritativeNull')]), rule('r2', 2, [direct('x', 'b')])],
      source,
      {
        x: ['old'],
      },
    );
    expect(stopped.attributes).toEqual({});
    expect(stopped.winners.has('x')).toBe(false);
    expect(stopped.targets).toEqual(['x']);
  });

  it('keeps the existing value when every contender ignores the attribute', () => {
    const out = merge(
      [rule('r1', 1, [expr('x', 'IgnoreThisFlow')]), rule('r2', 2, [expr('x', 'IgnoreThisFlow')])],
      {},
      {
        x: ['kept'],
      },
    );
    expect(out.attributes).toEqual({ x: ['kept'] });
    expect(out.winners.has('x')).toBe(false);
  });

  it('unions merge attributes in precedence order, case-insensitively when asked, with the first supplier as winner', () => {
    const source = { p: ['SMTP:A@x', 'smtp:b@x'], q: ['smtp:a@x', 'smtp:c@x'] };
    const exact = merge(
      [rule('r1', 1, [direct('proxy', 'p', 'merge')]), rule('r2', 2, [direct('proxy', 'q', 'merge')])],
      source,
    );
    expect(exact.attributes).toEqual({ proxy: ['SMTP:A@x', 'smtp:b@x', 'smtp:a@x', 'smtp:c@x'] });
    expect(exact.winners.get('proxy')?.rule.name).toBe('r1');
    const folded = merge(
      [
        rule('r1', 1, [direct('proxy', 'p', 'merge-case-insensitive')]),
        rule('r2', 2, [direct('proxy', 'q', 'update')]),
      ],
      source,
    );
    // The highest-precedence rule's flow sets the merge type for the attribute.
    expect(folded.attributes).toEqual({ proxy: ['SMTP:A@x', 'smtp:b@x', 'smtp:c@x'] });
  });

  it('flows apply-once flows only into a new object', () => {
    const flows = [expr('created', '"yes"', 'update', true)];
    expect(merge([rule('r1', 1, flows)], {}, { created: ['before'] }, true).attributes).toEqual({ created: ['yes'] });
    expect(merge([rule('r1', 1, flows)], {}, { created: ['before'] }, false).attributes).toEqual({
      created: ['before'],
    });
  });

  it("takes a rule's last flow into a target, yet still evaluates the earlier one", () => {
    expect(merge([rule('r1', 1, [expr('x', '"first"'), expr('x', '"second"')])], {}).attributes).toEqual({
      x: ['second'],
    });
    expect(() => merge([rule('r1', 1, [expr('x', 'Error("boom")'), expr('x', '"second"')])], {})).toThrow(FlowError);
  });

  it("fails on a lower rule's failing expression even when a higher rule already decided the attribute", () => {
    const rules = [rule('high', 1, [expr('x', '"v"')]), rule('low', 2, [expr('x', 'Error("bad value")')])];
    let caught: unknown;
    try {
      merge(rules, {});
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(FlowError);
    expect(caught).toMatchObject({ rule: 'low', attribute: 'x', code: 'sync-rule-error-function-triggered' });
    expect((caught as Error).message).toContain('sync rule "low", attribute "x": ');
  });
});
