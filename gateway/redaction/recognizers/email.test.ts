import { describe } from 'vitest';
import { email } from './email.ts';
import { detects } from './table.ts';

describe('email', () => {
  detects(email, [
    { text: 'mail me at jane.doe+bank@example.co.uk thanks', found: ['jane.doe+bank@example.co.uk'] },
    { text: 'JOHN_SMITH@Mail.Example.COM.', found: ['JOHN_SMITH@Mail.Example.COM'] },
    { text: '邮箱：wang.xiaoming@qq.com，谢谢', found: ['wang.xiaoming@qq.com'] },
    { text: 'full-width ｊａｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ here', found: ['ｊａｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ'] },
    { text: '😀😀 a@b.io', found: ['a@b.io'] },
    { text: 'not an address: user@localhost or @handle or foo@bar', found: [] },
    { text: 'version 1.2@3.4', found: [] },
    { text: 'it is john dot smith at gmail dot com ok', found: ['john dot smith at gmail dot com'] },
    { text: 'write to jane [at] example [dot] org', found: ['jane [at] example [dot] org'] },
    { text: 'j.doe (at) example.de please', found: ['j.doe (at) example.de'] },
    { text: 'hans punkt meier at web punkt de', found: ['hans punkt meier at web punkt de'] },
    { text: 'JANE DOT DOE AT EXAMPLE DOT COM', found: ['JANE DOT DOE AT EXAMPLE DOT COM'] },
    { text: 'I will be at home at 5 and meet you at the station', found: [] },
    { text: 'we met at the office dot matrix printer', found: [] },
  ]);
});
