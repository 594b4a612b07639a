// Confidence: the estimated probability that a passage's article answers the question, from four
// signals — how much of the question's known terms the passage covers (body, and title/heading),
// the share of the question the knowledge base knows at all, and the passage's lead over the best
// passage of any other article. A logistic model fitted on the development split of the held-out
// question set (test/support/kb-calibrate.ts prints the fit; test/fixtures/kb/held-out.ts); the
// answer threshold is then read off the precision/recall curve the eval prints.

export interface ConfidenceSignals {
  body: number;
  heading: number;
  known: number;
  /** the same, weighted by term rarity (an unknown word as rare as can be) */
  knownWeight: number;
  /** share of the question's units that are Chinese characters (bigram coverage runs lower than words') */
  han: number;
  /** (score − best score of another article) / score, 0 when another article ranks higher */
  margin: number;
}

/** Fitted on the dev split (see the header); refit when the analysis or the scores change. */
export const CALIBRATION = {
  bias: -2.95,
  body: 0.78,
  heading: 1.19,
  known: 1.31,
  knownWeight: 1.33,
  han: 0.66,
  margin: 0.89,
  covered: 1.62,
};

export function calibratedConfidence(s: ConfidenceSignals, c = CALIBRATION): number {
  const z =
    c.bias +
    c.body * s.body +
    c.heading * s.heading +
    c.known * s.known +
    c.knownWeight * s.knownWeight +
    c.margin * s.margin +
    c.han * s.han +
    c.covered * s.body * s.knownWeight;
  return 1 / (1 + Math.exp(-z));
}
