import { describe } from 'vitest';
import { address } from './address.ts';
import { detects } from './table.ts';

describe('address', () => {
  detects(address, [
    { text: 'I live at 221B Baker Street, London NW1 6XE since May', found: ['221B Baker Street, London NW1 6XE'] },
    {
      text: 'to 1600 Pennsylvania Ave NW, Washington, DC 20500 please',
      found: ['1600 Pennsylvania Ave NW, Washington, DC 20500'],
    },
    { text: 'Meine Adresse: Hauptstraße 5, 10115 Berlin', lang: 'de', found: ['Hauptstraße 5, 10115 Berlin'] },
    { text: "j'habite au 12 rue de la Paix, 75002 Paris", lang: 'fr', found: ['12 rue de la Paix, 75002 Paris'] },
    { text: 'vivo en Calle de Alcalá 45, 28014 Madrid', lang: 'es', found: ['Calle de Alcalá 45, 28014 Madrid'] },
    {
      text: 'mijn adres is Keizersgracht 123, 1015 CJ Amsterdam',
      lang: 'nl',
      found: ['Keizersgracht 123, 1015 CJ Amsterdam'],
    },
    { text: '我住在北京市海淀区中关村南大街5号，请寄过来', found: ['北京市海淀区中关村南大街5号'] },
    { text: '地址：广东省深圳市南山区科技园路1号3栋201室', found: ['广东省深圳市南山区科技园路1号3栋201室'] },
    { text: 'my postcode is SW1A 1AA', found: ['SW1A 1AA'] },
    { text: '邮编100080', found: ['100080'] },
    { text: 'the parcel is in Frankfurt since Monday', found: [] },
    { text: 'reference SW1A 1AA in the letter', found: [] },
    { text: 'I paid 100080 yuan', found: [] },
    { text: 'ship it to Mellemvej 32, 2300 København please', found: ['Mellemvej 32, 2300 København'] },
    { text: 'Via Franscini 71 is where I live', found: ['Via Franscini 71'] },
    { text: 'Ügyfél címe: Erzsébet tér 19.', found: ['Erzsébet tér 19.'] },
    {
      text: 'Jane Roe\n\n41086 Kiannonkatu 98\n Suite 464\n OULU\n Finland 80896',
      found: ['41086 Kiannonkatu 98\n Suite 464\n OULU\n Finland 80896'],
    },
    { text: 'Hello I moved, my new address is Pod Floriánem 1677', found: ['Pod Floriánem 1677'] },
    { text: 'During 1972, the company grew', found: [] },
    { text: 'see page 12 Section 4 of the terms', found: [] },
    { text: 'I will meet you at 5pm at the branch', found: [] },
    { text: 'please send it to my email, thanks', found: [] },
    { text: 'Our ship is USNS Halvorsen\nFPO AE 20417', found: ['USNS Halvorsen\nFPO AE 20417'] },
    { text: 'post to PSC 4410, Box 2207\nAPO AP 61358 please', found: ['PSC 4410, Box 2207\nAPO AP 61358'] },
    { text: 'my mail goes to P.O. Box 3318', found: ['P.O. Box 3318'] },
    {
      text: 'stop at the corner of ul. Lipowa 14 and Brook Lane?',
      found: ['the corner of ul. Lipowa 14 and Brook Lane'],
    },
    {
      text: 'Billing address: Tomas Grell\n    4417 Vestergade 12\n    Aarhus',
      found: ['4417 Vestergade 12\n    Aarhus'],
    },
    { text: 'I live at 7 Copper Creek, Boise', found: ['7 Copper Creek, Boise'] },
    { text: 'the 5 Day Pass costs more', found: [] },
    { text: 'the corner of 5 Elm Street and Oak Lane\nMobile: 07700 900462', found: ['5 Elm Street and Oak Lane'] },
    // A number labelled as a phone under the block is the next field, not a line of the address.
    {
      text: 'Ola Berg\n52 Storgata 14\n Tromsø\n 9008\n416 2290 office\n(318)445-2207 fax',
      found: ['52 Storgata 14\n Tromsø\n 9008'],
    },
  ]);
});
