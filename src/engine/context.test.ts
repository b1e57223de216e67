import { describe, expect, it } from 'vitest';
import { newObjectId } from './context.js';

describe('object ids', () => {
  it('are upper-case UUIDs of version 7 that sort in the order they were made', () => {
    const ids = Array.from({ length: 5000 }, () => newObjectId());
    for (const id of ids) expect(id).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-7[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
