import { toCondition } from './coerce.js';
import { invalid } from './errors.js';
import {
  collect,
  elementsOf,
  fromValues,
  isList,
  isSignal,
  type Env,
  type Evaluator,
  type Scalar,
  type Value,
} from './eval-value.js';

/** Functions whose arguments are evaluated lazily or with a bound `$variable`. */

/**
 * IIF with a multi-valued condition chooses value by value
 * (`IIF(InStr([proxyAddresses],"SIP:")=1,NULL,[proxyAddresses])` drops the SIP addresses). A branch
 * is evaluated only when some value needs it, so `Error(…)` in an unused branch never fires.
 */
function iifEach(conditions: readonly Scalar[], whenTrue: Evaluator, whenFalse: Evaluator, env: Env): Value {
  const flags = conditions.map((c) => toCondition(c, 'IIF'));
  const t = flags.includes(true) ? whenTrue(env) : null;
  if (isSignal(t)) return t;
  const f = flags.includes(false) ? whenFalse(env) : null;
  if (isSignal(f)) return f;
  for (const branch of [t, f]) {
    if (isList(branch) && branch.length !== flags.length) {
      throw invalid('IIF', `the condition has ${flags.length} values but a branch has ${branch.length}`);
    }
  }
  const out: Scalar[] = [];
  for (let i = 0; i < flags.length; i++) {
    const branch = flags[i] ? t : f;
    const value = isList(branch) ? branch[i] : branch;
    if (value !== null && value !== undefined) out.push(value);
  }
  return fromValues(out);
}

export function compileIif([condition, whenTrue, whenFalse]: readonly Evaluator[]): Evaluator {
  const c = condition as Evaluator;
  const t = whenTrue as Evaluator;
  const f = whenFalse as Evaluator;
  return (env) => {
    const value = c(env);
    if (isList(value)) return iifEach(value, t, f, env);
    if (isSignal(value)) return value;
    return toCondition(value, 'IIF') ? t(env) : f(env);
  };
}

/** Switch(cond1, value1, …): every condition is evaluated (as documented); only the chosen value is. */
export function compileSwitch(args: readonly Evaluator[]): Evaluator {
  return (env) => {
    let chosen: Evaluator | undefined;
    for (let i = 0; i < args.length; i += 2) {
      const condition = (args[i] as Evaluator)(env);
      if (isSignal(condition)) return condition;
      if (toCondition(condition, 'Switch') && chosen === undefined) chosen = args[i + 1];
    }
    return chosen === undefined ? null : chosen(env);
  };
}

/** Select($item, source, function): the function applied to every value of the source. */
export function compileSelect(slot: number, source: Evaluator, fn: Evaluator): Evaluator {
  return (env) => {
    const values = source(env);
    if (isSignal(values)) return values;
    const out: Scalar[] = [];
    for (const value of elementsOf(values)) {
      env.vars[slot] = value;
      const signal = collect(out, fn(env));
      if (signal !== undefined) return signal;
    }
    return fromValues(out);
  };
}

/** Where($item, source, condition): the values of the source for which the condition holds. */
export function compileWhere(slot: number, source: Evaluator, condition: Evaluator): Evaluator {
  return (env) => {
    const values = source(env);
    if (isSignal(values)) return values;
    const out: Scalar[] = [];
    for (const value of elementsOf(values)) {
      env.vars[slot] = value;
      if (toCondition(condition(env), 'Where')) out.push(value);
    }
    return fromValues(out);
  };
}

/** With($var, subExpression, expression): evaluates the sub-expression once and names it. */
export function compileWith(slot: number, sub: Evaluator, body: Evaluator): Evaluator {
  return (env) => {
    env.vars[slot] = sub(env);
    return body(env);
  };
}
