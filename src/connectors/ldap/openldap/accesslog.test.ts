import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../core/errors.js';
import { overlapStart, parseAccesslogWatermark, renderAccesslogWatermark } from './accesslog.js';

describe('accesslog watermark', () => {
  it('round-trips a reqStart position and the empty log', () => {
    const text = renderAccesslogWatermark('20261125031233.309988Z');
    expect(parseAccesslogWatermark('src', text, 'cn=accesslog')).toEqual({
      kind: 'time',
      reqStart: '20261125031233.309988Z',
      seen: new Set(),
    });
    const listed = renderAccesslogWatermark('20261125031233.309988Z', [
      '20261125031233.309988Z',
      '20261125031232.000001Z',
    ]);
    expect(listed).toBe('accesslog:20261125031233.309988Z|20261125031232.000001Z,20261125031233.309988Z');
    expect(parseAccesslogWatermark('src', listed, 'cn=accesslog')).toMatchObject({
      seen: new Set(['20261125031232.000001Z', '20261125031233.309988Z']),
    });
    expect(parseAccesslogWatermark('src', renderAccesslogWatermark(null), 'cn=accesslog')).toEqual({ kind: 'empty' });
  });

  it('rejects a watermark of another kind with watermark-rejected', () => {
    for (const text of ['dirsync:abc', 'accesslog:yesterday', 'accesslog:unavailable', 'accesslog:20261125031233Z|x']) {
      let caught: unknown;
      try {
        parseAccesslogWatermark('src', text, 'cn=accesslog');
      } catch (error) {
        caught = error;
      }
      expect(caught, text).toBeInstanceOf(ConnectorError);
      expect((caught as ConnectorError).kind).toBe('watermark-rejected');
      expect((caught as ConnectorError).message).toContain('connector "src"');
    }
  });

  it('reads again from two seconds before the position, across a day boundary', () => {
    expect(overlapStart('20261125031233.309988Z')).toBe('20261125031231.000000Z');
    expect(overlapStart('20270101000001Z')).toBe('20261231235959.000000Z');
  });
});
