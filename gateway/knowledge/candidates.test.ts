// Which question terms fetch candidates: table of document frequencies against the posting budget.
import { describe, expect, it } from 'vitest';
import { candidateTerms } from './candidates.ts';

const df = new Map([
  ['activat', 40],
  ['card', 900],
  ['new', 300],
  ['账户', 2000],
  ['挂失', 25],
]);

describe('candidate terms under a posting budget', () => {
  const cases: [string, string[], number, string[]][] = [
    ['rarest first, common terms left out once over budget', ['new', 'activat', 'card'], 400, ['activat', 'new']],
    ['everything when the budget allows', ['new', 'activat', 'card'], 5000, ['activat', 'new', 'card']],
    ['terms no passage holds are never asked for', ['crad', 'activat'], 1000, ['activat']],
    ['the rarest term even when it alone is over budget', ['账户', 'card'], 100, ['card']],
    ['nothing when no term is known', ['bitcoin'], 1000, []],
    ['duplicates once', ['挂失', '挂失', 'activat'], 1000, ['挂失', 'activat']],
  ];
  it.each(cases)('%s', (_name, terms, budget, expected) => {
    expect(candidateTerms(terms, { df }, budget)).toEqual(expected);
  });
});
