import type { ArithmeticOperator, ComparisonOperator, Node } from './ast.js';
import { toCondition } from './coerce.js';
import { fromValues, isSignal, type Env, type Evaluator, type Scalar, type Value } from './eval-value.js';
import type { FunctionSpec } from './function-spec.js';
import { lift, lift2 } from './lift.js';
import { arithmetic, comparison, concatenate, negate } from './operators.js';
import { compileIif, compileSelect, compileSwitch, compileWhere, compileWith } from './special-forms.js';

/**
 * Turns the tree into closures once, so evaluating a rule for each of many objects does no
 * parsing, dispatch on node kinds or function look-up.
 */

export interface CompiledExpression {
  readonly evaluate: Evaluator;
  /** Number of `$variable` slots the evaluation environment needs. */
  readonly slotCount: number;
}

interface Scope {
  readonly slots: ReadonlyMap<string, number>;
  readonly counter: { count: number };
}

const COMPARISON_OPERATORS: readonly string[] = ['=', '<>', '<', '<=', '>', '>='];

export function compileTree(root: Node): CompiledExpression {
  const counter = { count: 0 };
  const evaluate = compileNode(root, { slots: new Map(), counter });
  return { evaluate, slotCount: counter.count };
}

function compileNode(node: Node, scope: Scope): Evaluator {
  switch (node.kind) {
    case 'literal': {
      const value = node.value;
      return () => value;
    }
    case 'attribute': {
      const name = node.name;
      return (env) => fromValues(env.ctx.attribute(name));
    }
    case 'parameter': {
      const name = node.name;
      return (env) => env.ctx.parameter(name) ?? null;
    }
    case 'variable': {
      const slot = scope.slots.get(node.name) as number;
      return (env) => env.vars[slot] ?? null;
    }
    case 'negate': {
      const operand = compileNode(node.operand, scope);
      return (env) => lift([operand(env)], (row) => negate(row[0] as Scalar), env, 'operator -');
    }
    case 'binary':
      return compileBinary(node.op, compileNode(node.left, scope), compileNode(node.right, scope));
    case 'chain':
      return compileChain(
        node.op,
        node.operands.map((operand) => compileNode(operand, scope)),
      );
    case 'call':
      return compileCall(node.spec, node.args, scope);
  }
}

function compileBinary(op: ComparisonOperator | ArithmeticOperator, left: Evaluator, right: Evaluator): Evaluator {
  const fn = COMPARISON_OPERATORS.includes(op)
    ? comparison(op as ComparisonOperator)
    : arithmetic(op as ArithmeticOperator);
  const where = `operator ${op}`;
  return (env) => lift2(left(env), right(env), fn, env, where);
}

function compileChain(op: '&' | '&&' | '||', operands: readonly Evaluator[]): Evaluator {
  if (op === '&') {
    return (env) => {
      let acc = (operands[0] as Evaluator)(env);
      for (let i = 1; i < operands.length; i++) {
        acc = lift2(acc, (operands[i] as Evaluator)(env), concatenate, env, 'operator &');
      }
      return acc;
    };
  }
  const isOr = op === '||';
  const where = `operator ${op}`;
  return (env) => {
    for (const operand of operands) {
      const value = operand(env);
      if (isSignal(value)) return value;
      if (toCondition(value, where) === isOr) return isOr;
    }
    return !isOr;
  };
}

function evaluateAll(args: readonly Evaluator[], env: Env): Value[] {
  const values = new Array<Value>(args.length);
  for (let i = 0; i < args.length; i++) values[i] = (args[i] as Evaluator)(env);
  return values;
}

function compileCall(spec: FunctionSpec, argNodes: readonly Node[], scope: Scope): Evaluator {
  if (spec.mode === 'special') return compileSpecial(spec.name, argNodes, scope);
  const args = argNodes.map((arg) => compileNode(arg, scope));
  if (spec.mode === 'raw') {
    const fn = spec.fn;
    return (env) => fn(evaluateAll(args, env), env);
  }
  const { fn, name, isNullStringEmpty } = spec;
  return (env) => {
    const values = evaluateAll(args, env);
    return isNullStringEmpty && values[0] === null ? '' : lift(values, fn, env, name);
  };
}

function compileSpecial(name: string, argNodes: readonly Node[], scope: Scope): Evaluator {
  if (name === 'IIF') return compileIif(argNodes.map((arg) => compileNode(arg, scope)));
  if (name === 'Switch') return compileSwitch(argNodes.map((arg) => compileNode(arg, scope)));
  const [variable, source, body] = argNodes as [Node & { name: string }, Node, Node];
  const slot = scope.counter.count++;
  const inner: Scope = { slots: new Map(scope.slots).set(variable.name, slot), counter: scope.counter };
  const first = compileNode(source, scope);
  const last = compileNode(body, inner);
  if (name === 'Select') return compileSelect(slot, first, last);
  if (name === 'Where') return compileWhere(slot, first, last);
  return compileWith(slot, first, last);
}
