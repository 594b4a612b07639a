import { describe } from 'vitest';
import { phone } from './phone.ts';
import { detects } from './table.ts';

describe('phone', () => {
  detects(phone, [
    { text: 'call me on +44 20 7946 0958 tomorrow', found: ['+44 20 7946 0958'] },
    { text: 'my cell is (415) 555-2671', lang: 'en', found: ['(415) 555-2671'] },
    { text: 'mobile 07911 123456', lang: 'en', found: ['07911 123456'] },
    { text: '我的手机是13800138000', found: ['13800138000'] },
    { text: '手机 138-0013-8000 谢谢', found: ['138-0013-8000'] },
    { text: '电话+86 139 1234 5678', found: ['+86 139 1234 5678'] },
    { text: '手机１３８００１３８０００，谢谢', found: ['１３８００１３８０００'] },
    { text: '手机１３８－００１３－８０００', found: ['１３８－００１３－８０００'] },
    { text: 'ruf mich an: 0151 23456789', lang: 'de', found: ['0151 23456789'] },
    { text: 'appelez-moi au 06 12 34 56 78', lang: 'fr', found: ['06 12 34 56 78'] },
    { text: '🙂 +33 6 12 34 56 78', found: ['+33 6 12 34 56 78'] },
    // Service numbers are the company's, not a person's.
    // Phone-shaped, whatever libphonenumber says of the number and whatever the language.
    { text: 'call me on +1-984-182-0190', lang: 'en', found: ['+1-984-182-0190'] },
    { text: 'my mobile 07700 900123', lang: 'en', found: ['07700 900123'] },
    { text: 'reach me at 0688 872 49 99', lang: 'en', found: ['0688 872 49 99'] },
    { text: 'text +33 6 94 39 84 46 please', lang: 'en', found: ['+33 6 94 39 84 46'] },
    { text: 'my number 138.0013.8000', lang: 'en', found: ['138.0013.8000'] },
    { text: 'mi móvil es 612 48 93 07', lang: 'en', found: ['612 48 93 07'] },
    { text: 'tel 2345-6789-01', lang: 'en', found: ['2345-6789-01'] },
    { text: 'our hotline is 1-800-275-2273', lang: 'en', found: [] },
    { text: 'is 0800 123 4567 your free number?', lang: 'en', found: [] },
    { text: 'SKU 00012345678905 out of stock', lang: 'en', found: [] },
    { text: 'tracking 1Z 999 AA1 01 2345 6784', lang: 'en', found: [] },
    { text: '客服热线400-820-8888', lang: 'zh', found: [] },
    { text: 'order 12345678 costs 1234.56', lang: 'en', found: [] },
    { text: '1380013800 is ten digits', lang: 'zh', found: [] },
    // A slash belongs in trunk-prefixed national numbers (DE/AT), not in references.
    { text: 'Handy 0151/23456789', lang: 'de', found: ['0151/23456789'] },
    { text: 'about payment 7139/938480 and heard nothing', lang: 'en', found: [] },
    // Extensions belong to the number.
    { text: 'ring 303-412-7765x0921 any time', lang: 'en', found: ['303-412-7765x0921'] },
    { text: 'call +1-212-104-7789x42 after lunch', lang: 'en', found: ['+1-212-104-7789x42'] },
    { text: 'desk line 020 7183 4410 ext. 215', lang: 'en', found: ['020 7183 4410 ext. 215'] },
    // 3-3-4 written as phones whatever the digits, and the 001 international prefix.
    { text: 'new number (312)104-5567 from today', lang: 'en', found: ['(312)104-5567'] },
    { text: 'I moved to 804.118.2290 last week', lang: 'en', found: ['804.118.2290'] },
    { text: 'from abroad dial 001-303-180-0147', lang: 'en', found: ['001-303-180-0147'] },
    // A label beside the number names it a phone, in any grouping.
    { text: 'Mobile: 0221 9987654', lang: 'en', found: ['0221 9987654'] },
    { text: 'Fax:\n61-72-04-93', lang: 'en', found: ['61-72-04-93'] },
    { text: 'Harrow\n604 3391 office\n', lang: 'en', found: ['604 3391'] },
    { text: '(42) 713-509-Fax\\,', lang: 'en', found: ['(42) 713-509'] },
    { text: '17 350 216 4471-Office', lang: 'en', found: ['17 350 216 4471'] },
    { text: 'Tel. 8 (912) 345-67-89', lang: 'en', found: ['8 (912) 345-67-89'] },
    // A label holds even when the language is misread and its numbering plan calls the number a service.
    { text: 'mój numer telefonu 513 284 907', lang: 'es', found: ['513 284 907'] },
    { text: 'nobody is answering at 77 413920', lang: 'en', found: ['77 413920'] },
    { text: 'the code never came to my registered 771 0934', lang: 'en', found: ['771 0934'] },
    // Beside a label, still no phone: a date, an amount, a number the label does not end.
    { text: 'office closed on 12.05.2024', lang: 'en', found: [] },
    { text: 'home insurance went up to 1 234.56 this year', lang: 'en', found: [] },
    { text: 'order 4711-0815 home delivery', lang: 'en', found: [] },
    { text: 'Office: 0800 123 4567 is free to call', lang: 'en', found: [] },
  ]);
});
