// countAsked: the counts scoring reads, taken only for the asked terms, must equal a full count.
import { describe, expect, it } from 'vitest';
import { countAsked, countTerms } from './score.ts';

describe('countAsked', () => {
  const cases = ['card block card lost stolen card', '', ' leading and  double  spaces ', '卡号 挂失 卡号', 'single'];
  for (const terms of cases) {
    it(`counts the asked terms and the length of ${JSON.stringify(terms)} as a full count does`, () => {
      const full = countTerms(terms);
      const wanted = new Set(['card', 'stolen', '卡号', 'spaces', 'single', 'absent']);
      const { counts, length } = countAsked(terms, wanted);
      expect(length).toBe([...full.values()].reduce((a, b) => a + b, 0));
      expect(Object.fromEntries(counts)).toEqual(Object.fromEntries([...full].filter(([t]) => wanted.has(t))));
    });
  }
});
