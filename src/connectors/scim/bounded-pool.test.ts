import { describe, expect, it } from 'vitest';
import { mapBounded } from './bounded-pool.js';

async function* numbers(n: number, pulled: number[]): AsyncGenerator<number> {
  for (let i = 0; i < n; i++) {
    pulled.push(i);
    yield i;
  }
}

const tick = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('mapBounded', () => {
  it('keeps at most `limit` calls in flight and yields every result', async () => {
    let inFlight = 0;
    let peak = 0;
    const out: number[] = [];
    for await (const value of mapBounded(numbers(20, []), 3, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await tick(n % 4);
      inFlight--;
      return n * 2;
    })) {
      out.push(value);
    }
    expect(peak).toBe(3);
    expect(out.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
  });

  it('stops pulling after a failure, yields what was in flight, then throws', async () => {
    const pulled: number[] = [];
    const out: number[] = [];
    const run = async (): Promise<void> => {
      for await (const value of mapBounded(numbers(100, pulled), 2, async (n) => {
        if (n === 1) throw new Error('boom');
        await tick(5);
        return n;
      })) {
        out.push(value);
      }
    };
    await expect(run()).rejects.toThrow('boom');
    expect(out).toEqual([0]);
    expect(pulled).toEqual([0, 1]);
  });
});
