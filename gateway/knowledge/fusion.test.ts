import { describe, expect, it } from 'vitest';
import { cosine, reciprocalRankFusion } from './fusion.ts';

describe('reciprocal rank fusion', () => {
  it.each([
    { lists: [['a', 'b', 'c'], []], fused: ['a', 'b', 'c'], why: 'lexical alone keeps its order' },
    { lists: [[], ['x', 'y']], fused: ['x', 'y'], why: 'vector alone keeps its order' },
    {
      lists: [
        ['a', 'b'],
        ['b', 'x'],
      ],
      fused: ['b', 'a', 'x'],
      why: 'found by both lists first',
    },
    {
      lists: [
        ['a', 'b'],
        ['x', 'y'],
      ],
      fused: ['a', 'x', 'b', 'y'],
      why: 'same ranks: lexical first',
    },
  ])('$why', ({ lists, fused }) => {
    expect(reciprocalRankFusion(lists)).toEqual(fused);
  });
});

describe('cosine', () => {
  it.each([
    { a: [1, 0], b: [1, 0], c: 1 },
    { a: [1, 0], b: [0, 1], c: 0 },
    { a: [1, 1], b: [-1, -1], c: -1 },
    { a: [0, 0], b: [1, 1], c: 0 },
  ])('$a · $b = $c', ({ a, b, c }) => {
    expect(cosine(a, b)).toBeCloseTo(c, 6);
  });
});
