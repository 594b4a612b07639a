// Confidence: the estimated probability that a passage's article answers the question, from its
// signals — how much of the question's known terms the passage covers (body, and title/heading),
// the share of the question the knowledge base knows at all, the passage's lead over the best
// passage of any other article, and the question's length (a customer's story holds words no
// article needs; a short question missing its main word is more likely one the articles do not answer). A logistic model fitted on the development split of the held-out
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
  /** the question's length: content units, up to LONG_QUESTION (score.ts), as a share of it (a story covers less of itself than a short question) */
  length: number;
}

/** Fitted on the dev split (see the header); refit when the analysis or the scores change. */
export const CALIBRATION = {
  bias: -3.63,
  body: 0.6,
  heading: 1.43,
  known: 1.29,
  knownWeight: 1.29,
  han: 0.15,
  margin: 1.28,
  length: 0.58,
  covered: 1.45,
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
    c.length * s.length +
    c.covered * s.body * s.knownWeight;
  return 1 / (1 + Math.exp(-z));
}
