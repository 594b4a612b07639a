import { describe, expect, it } from 'vitest';
import { detectLanguage } from './lang.ts';

describe('detectLanguage', () => {
  it.each([
    ['Hi, I want to check the balance of my account please', 'en'],
    ['您好，我想查询一下我的信用卡账单', 'zh'],
    ['我的email是 wang@example.com，谢谢', 'zh'],
    ['Hallo, ich habe eine Frage zu meinem Konto, bitte', 'de'],
    ['Bonjour, je voudrais savoir pourquoi ma carte est bloquée, merci', 'fr'],
    ['Hola, necesito ayuda con mi cuenta por favor', 'es'],
    ['Buongiorno, vorrei sapere il saldo del mio conto, grazie', 'it'],
    ['Hallo, ik wil graag mijn rekening blokkeren, bedankt', 'nl'],
    ['Dzień dobry, mam problem z kontem, proszę o pomoc', 'pl'],
    ['4111 1111 1111 1111', 'en'],
    ['', 'en'],
  ])('%s → %s', (text, lang) => {
    expect(detectLanguage(text)).toBe(lang);
  });
});
