// Which topic an article answers: its slug without the language prefix, so an article and its
// translations (en/card-pin, de/card-pin, …) are one topic. The Chinese demo articles that predate
// the shared slugs are mapped by hand.
const ALIASES: Record<string, string> = {
  'lost-card': 'lost-stolen-card',
  'fraud-scams': 'phishing-scams',
  'mortgage-prepayment': 'mortgage-rates',
  'time-deposit': 'savings-accounts',
  'faq/frequently-asked-questions': 'faq',
  'frequently-asked-questions': 'faq',
};

export function topicOf(slug: string): string {
  const tail = slug.replace(/^(en|zh|de|fr|es)\//, '');
  return ALIASES[tail] ?? tail;
}
