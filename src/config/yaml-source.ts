import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import type { ConfigPath, ConfigProblem, PendingProblem } from './config-problem.js';

/** A parsed YAML document that can point any field path back at its line and column. */
export interface YamlSource {
  /** The document as plain data; `undefined` for an empty file. */
  readonly value: unknown;
  /** YAML syntax errors and duplicate keys; when non-empty, `value` must not be trusted. */
  readonly problems: readonly ConfigProblem[];
  /** Places a problem at the node of `at ?? path`, or at the nearest ancestor that exists. */
  locate(problem: PendingProblem): ConfigProblem;
}

type Range = readonly [number, number, number];

function rangeOfNode(node: unknown): Range | undefined {
  return (node as Node | null | undefined)?.range ?? undefined;
}

function keyText(node: unknown): string | undefined {
  return isScalar(node) ? String(node.value) : undefined;
}

/** Follows `path` as far as the document goes; returns the range of the deepest node reached. */
function rangeOf(doc: Document, path: ConfigPath, atKey: boolean): Range | undefined {
  let node: unknown = doc.contents;
  let range = rangeOfNode(node);
  for (const [index, segment] of path.entries()) {
    const isLast = index === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => keyText(item.key) === String(segment));
      if (pair === undefined) break;
      const valueRange = rangeOfNode(pair.value);
      if ((isLast && atKey) || valueRange === undefined) return rangeOfNode(pair.key) ?? range;
      node = pair.value;
      range = valueRange;
    } else if (isSeq(node) && typeof segment === 'number') {
      const itemRange = rangeOfNode(node.items[segment]);
      if (itemRange === undefined) break;
      node = node.items[segment];
      range = itemRange;
    } else {
      break;
    }
  }
  return range;
}

/** The field path of the deepest node whose source range contains `offset`. */
function pathAtOffset(doc: Document, offset: number): ConfigPath {
  const path: (string | number)[] = [];
  const contains = (node: unknown): boolean => {
    const range = rangeOfNode(node);
    return range !== undefined && range[0] <= offset && offset < range[2];
  };
  let node: unknown = doc.contents;
  for (;;) {
    if (isMap(node)) {
      const pair = node.items.find((item) => contains(item.key) || contains(item.value));
      const key = pair === undefined ? undefined : keyText(pair.key);
      if (pair === undefined || key === undefined) return path;
      path.push(key);
      if (contains(pair.key)) return path;
      node = pair.value;
    } else if (isSeq(node)) {
      const index = node.items.findIndex((item) => contains(item));
      if (index < 0) return path;
      path.push(index);
      node = node.items[index];
    } else {
      return path;
    }
  }
}

/**
 * Parses YAML text, keeping positions. Duplicate keys are errors (YAML 1.2 requires unique keys,
 * and a silently ignored duplicate is how a config change gets lost).
 */
export function parseYamlSource(text: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const position = (offset: number): { line: number; column: number } => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  // Duplicate keys leave a well-formed tree, so their path is known. After a syntax error the tree
  // is guesswork and the parser's later errors mostly follow from the first: report that one only.
  const duplicates = doc.errors.filter((error) => error.code === 'DUPLICATE_KEY');
  const syntax = doc.errors.find((error) => error.code !== 'DUPLICATE_KEY');
  const problems: ConfigProblem[] = duplicates.map((error) => {
    const path = pathAtOffset(doc, error.pos[0]);
    const message = `duplicate key ${JSON.stringify(path.at(-1) ?? '')}`;
    return { code: 'duplicate_key', path, message, ...position(error.pos[0]) };
  });
  if (syntax !== undefined) {
    const message = `YAML syntax error: ${syntax.message}`;
    problems.push({ code: 'yaml_syntax', path: [], message, ...position(syntax.pos[0]) });
  }
  return {
    value: problems.length === 0 ? (doc.toJS() as unknown) : undefined,
    problems,
    locate(problem) {
      const range = rangeOf(doc, problem.at ?? problem.path, problem.atKey === true);
      return {
        code: problem.code,
        path: problem.path,
        message: problem.message,
        ...(range === undefined ? { line: 1, column: 1 } : position(range[0])),
      };
    },
  };
}
