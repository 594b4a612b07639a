// The assistant's offer of a person after an "I don't know": the widget shows it as Yes / No
// buttons, and a short typed answer to it is understood in the widget's five languages. "Yes"
// hands the conversation to a person; "no" is acknowledged without asking a model.
import type { MessageRow } from './present.ts';

const YES = [
  // en
  'yes',
  'y',
  'yeah',
  'yep',
  'yup',
  'sure',
  'ok',
  'okay',
  'please',
  'yes please',
  'please do',
  'yes thanks',
  'yes thank you',
  'connect me',
  'a person',
  'a human',
  // de
  'ja',
  'jawohl',
  'gerne',
  'gern',
  'ja bitte',
  'bitte',
  'ja gerne',
  'ja danke',
  'klar',
  'einverstanden',
  // fr
  'oui',
  'ouais',
  'oui merci',
  "d'accord",
  'daccord',
  'volontiers',
  'oui volontiers',
  'oui svp',
  "oui s'il vous plaît",
  'bien sûr',
  // es
  'sí',
  'si',
  'vale',
  'claro',
  'por favor',
  'sí por favor',
  'si por favor',
  'sí gracias',
  'si gracias',
  'de acuerdo',
  // zh
  '是',
  '是的',
  '好',
  '好的',
  '要',
  '需要',
  '可以',
  '行',
  '嗯',
  '对',
  '好啊',
  '麻烦了',
  '转人工',
  '人工',
];
const NO = [
  // en
  'no',
  'n',
  'nope',
  'nah',
  'no thanks',
  'no thank you',
  'not now',
  'no need',
  'not yet',
  // de
  'nein',
  'nein danke',
  'nee',
  'nicht nötig',
  'lieber nicht',
  'jetzt nicht',
  // fr
  'non',
  'non merci',
  'pas besoin',
  'pas maintenant',
  // es
  'no gracias',
  'no hace falta',
  'ahora no',
  // zh
  '不',
  '不用',
  '不要',
  '不需要',
  '不用了',
  '算了',
  '不了',
  '否',
  '不用谢谢',
  '不用了谢谢',
];

const normalise = (text: string) =>
  text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}]+/gu, (m) => (m.includes("'") || m.includes('’') ? "'" : ' '))
    .replace(/\s+/g, ' ')
    .trim();
const YES_SET = new Set(YES.map(normalise));
const NO_SET = new Set(NO.map(normalise));

/** 'yes' / 'no' for a short reply to the offer, in any of the five languages; null for anything else. */
export function yesOrNo(text: string): 'yes' | 'no' | null {
  const t = normalise(text);
  if (!t || t.length > 40) return null;
  if (YES_SET.has(t)) return 'yes';
  if (NO_SET.has(t)) return 'no';
  return null;
}

const NO_REPLY: Record<string, string> = {
  en: 'All right. Ask me something else, or put your question in other words.',
  zh: '好的。您可以问我其他问题，或者换一种说法。',
  de: 'In Ordnung. Fragen Sie mich etwas anderes, oder formulieren Sie Ihre Frage anders.',
  fr: "D'accord. Posez-moi une autre question, ou reformulez la vôtre.",
  es: 'De acuerdo. Pregúnteme otra cosa, o formule su pregunta de otra manera.',
};

export const noThanksReply = (language: string | null) => NO_REPLY[language?.split('-')[0] ?? 'en'] ?? NO_REPLY.en!;

/**
 * The visitor's answer to an offer of a person: the newest visitor message is the only one after an
 * assistant answer that made the offer, and it reads as a yes or a no.
 */
export function answerToOffer(messages: MessageRow[]): 'yes' | 'no' | null {
  const spoken = messages.filter((m) => m.role !== 'system');
  const last = spoken.at(-1);
  const before = spoken.at(-2);
  if (!last || last.role !== 'visitor' || !before || before.role !== 'assistant' || before.meta.offer !== 'handoff')
    return null;
  return yesOrNo(last.text);
}
