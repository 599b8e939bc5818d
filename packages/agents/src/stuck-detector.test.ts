import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ActionAttempt,
  actionSignature,
  detectStuck,
  type StuckHistory,
} from './stuck-detector.js';

const ok = (signature: string): ActionAttempt => ({ signature, success: true, error: '' });
const failed = (signature: string, error = 'ENOENT'): ActionAttempt => ({
  signature,
  success: false,
  error,
});
const history = (partial: Partial<StuckHistory>): StuckHistory => ({
  actions: [],
  iterationSignatures: [],
  observationHashes: [],
  ...partial,
});

describe('detectStuck', () => {
  it('is quiet for a fresh or progressing attempt', () => {
    expect(detectStuck(history({}))).toBeUndefined();
    expect(
      detectStuck(
        history({
          actions: [failed('a'), failed('a'), ok('b')],
          iterationSignatures: ['a', 'a|b'],
          observationHashes: ['h1', 'h2', 'h2'],
        }),
      ),
    ).toBeUndefined();
  });

  it('fires when the same call fails the same way three times, successes in between', () => {
    const verdict = detectStuck(
      history({ actions: [ok('w'), failed('r'), ok('w'), failed('r'), ok('w'), failed('r')] }),
    );
    expect(verdict?.kind).toBe('repeated-failure');
    expect(verdict?.message).toContain('r -> ENOENT');
  });

  it('does not fire when the error or the arguments differ', () => {
    expect(
      detectStuck(history({ actions: [failed('r'), failed('r', 'EACCES'), failed('r')] })),
    ).toBeUndefined();
    expect(
      detectStuck(history({ actions: [failed('r'), failed('s'), failed('r')] })),
    ).toBeUndefined();
  });

  it('fires on A-B-A-B alternation but not on A-A-A-A or A-B-A-C', () => {
    expect(detectStuck(history({ iterationSignatures: ['a', 'b', 'a', 'b'] }))?.kind).toBe(
      'alternation',
    );
    expect(detectStuck(history({ iterationSignatures: ['x', 'a', 'b', 'a', 'b'] }))?.kind).toBe(
      'alternation',
    );
    expect(detectStuck(history({ iterationSignatures: ['a', 'a', 'a', 'a'] }))).toBeUndefined();
    expect(detectStuck(history({ iterationSignatures: ['a', 'b', 'a', 'c'] }))).toBeUndefined();
  });

  it('fires when three observations in a row are the same', () => {
    expect(detectStuck(history({ observationHashes: ['h', 'h', 'h'] }))?.kind).toBe('no-progress');
    expect(detectStuck(history({ observationHashes: ['h', 'h', 'g', 'h'] }))).toBeUndefined();
  });

  it('honours its thresholds', () => {
    const settings = { repeatedFailureLimit: 2, alternationLength: 6, stallIterations: 5 };
    expect(detectStuck(history({ actions: [failed('r'), failed('r')] }), settings)?.kind).toBe(
      'repeated-failure',
    );
    expect(
      detectStuck(history({ iterationSignatures: ['a', 'b', 'a', 'b'] }), settings),
    ).toBeUndefined();
    expect(detectStuck(history({ observationHashes: ['h', 'h', 'h'] }), settings)).toBeUndefined();
  });
});

describe('actionSignature', () => {
  it('ignores key order but not values', () => {
    expect(actionSignature('write', { a: 1, b: { c: 2, d: 3 } })).toBe(
      actionSignature('write', { b: { d: 3, c: 2 }, a: 1 }),
    );
    expect(actionSignature('write', { a: 1 })).not.toBe(actionSignature('write', { a: 2 }));
    expect(actionSignature('write', { a: 1 })).not.toBe(actionSignature('read', { a: 1 }));
  });
});

describe('detectStuck (properties)', () => {
  it('never fires while every action succeeds and every iteration is new', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), (iterations) => {
        const ids = Array.from({ length: iterations }, (_, i) => `i${i}`);
        const verdict = detectStuck({
          actions: ids.map((id) => ok(id)),
          iterationSignatures: ids,
          observationHashes: ids,
        });
        expect(verdict).toBeUndefined();
      }),
    );
  });

  it('always fires once the same failure repeats enough, whatever came before', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ signature: fc.string(), success: fc.boolean(), error: fc.string() })),
        fc.string(),
        (before, signature) => {
          const repeated = Array.from({ length: 3 }, () => failed(signature, 'boom'));
          expect(detectStuck(history({ actions: [...before, ...repeated] }))?.kind).toBe(
            'repeated-failure',
          );
        },
      ),
    );
  });
});
