import { names } from './name-lists.ts';
import { cuedNames } from './person-cues.ts';
import type { Recognizer } from './recognizer.ts';

// A capitalised name of one to three words ("Max Mustermann", "Jean-Luc Picard", "Anna van Dijk").
const NAME =
  "(?<value>(?:(?:van der|van den|van|de|von|da|di|del|la|le) )?\\p{Lu}[\\p{Ll}'’]+(?:-\\p{Lu}[\\p{Ll}]+)?(?: (?:(?:van|de|der|den|von|da|di|del|la|le) )?\\p{Lu}[\\p{Ll}'’]+(?:-\\p{Lu}[\\p{Ll}]+)?){0,2})";
// How people introduce themselves or address someone, in the appliance's European languages.
const INTRO = [
  '[Mm]y name is',
  "[Mm]y name's",
  '[Nn]ame:',
  '[Tt]his is',
  '[Ii] am',
  "[Ii]'m",
  '[Cc]all me',
  '[Ii]ch heiße',
  '[Ii]ch heisse',
  '[Mm]ein [Nn]ame ist',
  '[Nn]ame:',
  "[Jj]e m'appelle",
  '[Jj]e m’appelle',
  '[Mm]on nom est',
  '[Nn]om:',
  '[Mm]e llamo',
  '[Mm]i nombre es',
  '[Mm]i chiamo',
  '[Ii]l mio nome è',
  '[Mm]ijn naam is',
  '[Ii]k heet',
  '[Ii]k ben',
  '[Ss]oy',
  '[Jj]e suis',
  '[Hh]ier ist',
  '[Nn]azywam się',
  '[Mm]am na imię',
].join('|');
// Who money goes to: a payee is named right after these.
const PAYEE = [
  '[Tt]ransfer to',
  '[Bb]eneficiary:?',
  '[Rr]ecipient is',
  '[Pp]ayee:?',
  '[Üü]berweisung an',
  '[Ee]mpfänger:?',
  'zugunsten von',
  'au nom de',
  "à l'ordre de",
  'à l’ordre de',
  '[Bb]énéficiaire ?:?',
  '[Oo]verboeking naar',
  'ten name van',
  '[Bb]egunstigde:?',
  'a nombre de',
  '[Bb]eneficiario:?',
  '[Tt]ransferencia a',
].join('|');
const TITLE = [
  'Mr\\.?',
  'Mrs\\.?',
  'Ms\\.?',
  'Dr\\.?',
  '[Hh]err',
  '[Ff]rau',
  '[Mm]onsieur',
  '[Mm]adame',
  'Mme\\.?',
  '[Ss]eñor',
  '[Ss]eñora',
  'Sr\\.',
  'Sra\\.',
  'Signor',
  'Signora',
  'Sig\\.',
  'Sig\\.ra',
  '[Mm]eneer',
  '[Mm]evrouw',
  'Dhr\\.',
  'Mevr\\.',
  'Pan',
  'Pani',
].join('|');
const SIGN_OFF = [
  '[Rr]egards',
  '[Tt]hanks',
  '[Cc]heers',
  '[Bb]est',
  'Mit freundlichen Grüßen',
  'Viele Grüße',
  'Grüße',
  'Cordialement',
  'Saludos',
  'Un saludo',
  'Cordiali saluti',
  'Saluti',
  'Met vriendelijke groet',
  'Groeten',
  'Pozdrawiam',
  'Z poważaniem',
].join('|');

// Names that follow an introduction or a title are reported in every language, including those
// compromise does not read (de, fr, es, it, nl, pl).
export const personIntro: Recognizer = {
  name: 'person_intro',
  entity: 'PERSON',
  patterns: [
    {
      name: 'introduction',
      regex: new RegExp(`(?<![\\p{L}])(?:${INTRO})[ ,:]+${NAME}(?![\\p{L}])`, 'gdu'),
      score: 0.8,
    },
    { name: 'payee', regex: new RegExp(`(?<![\\p{L}])(?:${PAYEE}) ${NAME}(?![\\p{L}])`, 'gdu'), score: 0.75 },
    { name: 'title', regex: new RegExp(`(?<![\\p{L}])(?:${TITLE}) ${NAME}(?![\\p{L}])`, 'gdu'), score: 0.85 },
    { name: 'sign-off', regex: new RegExp(`(?:${SIGN_OFF})[,!.]?\\s*\\n?\\s*${NAME}\\s*$`, 'gdu'), score: 0.75 },
  ],
  find: cuedNames,
  warmUp: () => void names(),
};
