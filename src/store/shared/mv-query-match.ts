import type { MvQuery } from '../../core/state-store.js';
import { typeOfValue, valueToText, type Attributes, type AttributeValue } from '../../core/values.js';

/**
 * The attribute part of an `MvQuery`: with `attribute` and `value`, that attribute has a value whose
 * text equals `value` (strings and references case-insensitively, as directories match them); with
 * `attribute` only, the attribute has a value; with `value` only, any attribute has that value.
 */
export function matchesMvAttribute(attributes: Attributes, query: Pick<MvQuery, 'attribute' | 'value'>): boolean {
  const { attribute, value } = query;
  if (attribute === undefined && value === undefined) return true;
  const lists = attribute === undefined ? Object.values(attributes) : [attributes[attribute] ?? []];
  if (value === undefined) return lists.some((values) => values.length > 0);
  const lower = value.toLowerCase();
  return lists.some((values) => values.some((v) => valueMatchesText(v, value, lower)));
}

function valueMatchesText(v: AttributeValue, text: string, lowerText: string): boolean {
  const type = typeOfValue(v);
  if (type === 'string' || type === 'reference') return valueToText(v).toLowerCase() === lowerText;
  return valueToText(v) === text;
}
