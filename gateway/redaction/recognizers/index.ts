// Every recognizer the analyzer runs by default, in one explicit map (no self-registration).
import { address } from './address.ts';
import { bankAccount } from './bank-account.ts';
import { bic } from './bic.ts';
import { cnResidentId } from './cn-resident-id.ts';
import { creditCard } from './credit-card.ts';
import { dateOfBirth } from './date-of-birth.ts';
import { deTaxId } from './de-tax-id.ts';
import { email } from './email.ts';
import { esNif } from './es-nif.ts';
import { frNir } from './fr-nir.ts';
import { iban } from './iban.ts';
import { ipAddress } from './ip-address.ts';
import { itFiscalCode } from './it-fiscal-code.ts';
import { locationEn } from './location-en.ts';
import { nlBsn } from './nl-bsn.ts';
import { organizationEn } from './organization-en.ts';
import { personEn } from './person-en.ts';
import { personIntro } from './person-intro.ts';
import { personNames } from './person-names.ts';
import { personZh } from './person-zh.ts';
import { passport } from './passport.ts';
import { phone } from './phone.ts';
import { plPesel } from './pl-pesel.ts';
import type { Recognizer } from './recognizer.ts';
import { ukNino } from './uk-nino.ts';
import { usSsn } from './us-ssn.ts';

export const recognizers = {
  email,
  phone,
  creditCard,
  iban,
  bic,
  bankAccount,
  passport,
  usSsn,
  cnResidentId,
  ukNino,
  deTaxId,
  frNir,
  nlBsn,
  esNif,
  itFiscalCode,
  plPesel,
  ipAddress,
  dateOfBirth,
  personEn,
  personIntro,
  personNames,
  personZh,
  address,
  locationEn,
  organizationEn,
} satisfies Record<string, Recognizer>;

export const defaultRecognizers: readonly Recognizer[] = Object.values(recognizers);
export type { Recognizer } from './recognizer.ts';
