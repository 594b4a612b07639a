// The visitor's short answer to "Would you like me to connect you with a member of our team?".
import { describe, expect, it } from 'vitest';
import { answerToOffer, noThanksReply, yesOrNo } from './offer.ts';
import type { MessageRow } from './present.ts';

describe('a yes or a no to the offer of a person', () => {
  it.each([
    ['yes', 'yes'],
    ['Yes please!', 'yes'],
    ['ok', 'yes'],
    ['Ja, bitte.', 'yes'],
    ['gerne', 'yes'],
    ['Oui', 'yes'],
    ["d'accord", 'yes'],
    ['Sí, por favor', 'yes'],
    ['vale', 'yes'],
    ['好的', 'yes'],
    ['是的。', 'yes'],
    ['转人工', 'yes'],
    ['no', 'no'],
    ['No thanks', 'no'],
    ['Nein, danke!', 'no'],
    ['non merci', 'no'],
    ['No, gracias', 'no'],
    ['不用了', 'no'],
    ['不需要', 'no'],
  ])('%s → %s', (text, expected) => {
    expect(yesOrNo(text)).toBe(expected);
  });

  it.each(['yes I lost my card in Madrid yesterday', 'How do I block my card?', 'no card arrived', '', '我的卡丢了'])(
    'reads "%s" as a question, not an answer',
    (text) => {
      expect(yesOrNo(text)).toBeNull();
    },
  );

  const row = (seq: number, role: MessageRow['role'], text: string, meta: MessageRow['meta'] = {}): MessageRow => ({
    id: `m${seq}`,
    seq,
    role,
    text,
    createdAt: new Date(0),
    clientId: null,
    meta,
    attachments: [],
  });

  it('counts only right after an answer that made the offer (notices in between do not matter)', () => {
    const offered = [
      row(1, 'visitor', 'Can I get a mortgage for a boat?'),
      row(2, 'assistant', "I don't know …", { offer: 'handoff' }),
    ];
    expect(answerToOffer([...offered, row(3, 'system', '', { notice: 'released' }), row(4, 'visitor', 'oui')])).toBe(
      'yes',
    );
    expect(answerToOffer([...offered, row(3, 'visitor', 'nein')])).toBe('no');
    // Not after an ordinary answer, nor for a second message after the offer.
    expect(
      answerToOffer([
        row(1, 'visitor', 'How do I block my card?'),
        row(2, 'assistant', 'Freeze it in the app.'),
        row(3, 'visitor', 'yes'),
      ]),
    ).toBeNull();
    expect(
      answerToOffer([...offered, row(3, 'visitor', 'How do I open an account?'), row(4, 'visitor', 'yes')]),
    ).toBeNull();
  });

  it('answers a no in the conversation language, English otherwise', () => {
    expect(noThanksReply('de')).toMatch(/^In Ordnung\./);
    expect(noThanksReply('zh-CN')).toMatch(/^好的。/);
    expect(noThanksReply('pt')).toBe(noThanksReply('en'));
  });
});
