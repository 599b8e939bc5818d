import { describe, expect, it } from 'vitest';
import { minimalJsonValue } from './minimal-json-value.js';

describe('minimalJsonValue', () => {
  it.each([
    [{ type: 'string', minLength: 3 }, 'xxx'],
    [{ type: 'integer', exclusiveMinimum: 0 }, 1],
    [{ type: 'number', maximum: -2 }, -2],
    [{ type: ['string', 'null'] }, null],
    [{ anyOf: [{ type: 'object', properties: {} }, { type: 'null' }] }, null],
    [{ anyOf: [{ type: 'boolean' }, { type: 'string' }] }, false],
    [{ const: 'fixed' }, 'fixed'],
    [{ enum: ['b', 'a'] }, 'b'],
    [{ type: 'array', prefixItems: [{ type: 'string' }, { type: 'integer' }] }, ['', 0]],
    [
      {
        type: 'object',
        properties: { a: { type: 'string' }, b: { type: 'number' } },
        required: ['a'],
      },
      { a: '' },
    ],
    [{}, null],
  ])('gives %j → %j', (schema, expected) => {
    expect(minimalJsonValue(schema)).toEqual(expected);
  });

  it('follows $ref into $defs and stops on self-reference', () => {
    const tree = {
      type: 'object',
      properties: { node: { $ref: '#/$defs/Node' } },
      required: ['node'],
      $defs: {
        Node: {
          type: 'object',
          properties: {
            name: { type: 'string' },
            children: { type: 'array', items: { $ref: '#/$defs/Node' } },
          },
          required: ['name', 'children'],
        },
      },
    };
    expect(minimalJsonValue(tree)).toEqual({ node: { name: '', children: [] } });
  });
});
