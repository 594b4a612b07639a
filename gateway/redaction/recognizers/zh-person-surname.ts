import type { Candidate } from './recognizer.ts';

// The ~200 most common single-character surnames and the common compound ones.
const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池麻苑迟邝';
const COMPOUND = [
  '欧阳',
  '司马',
  '上官',
  '诸葛',
  '东方',
  '皇甫',
  '尉迟',
  '公孙',
  '慕容',
  '长孙',
  '宇文',
  '司徒',
  '夏侯',
  '令狐',
  '端木',
  '南宫',
  '西门',
  '轩辕',
];
// Phrases right before a name: self-introduction, form labels, payees.
const BEFORE = [
  '我叫',
  '我是',
  '本人',
  '姓名',
  '名字是',
  '名字叫',
  '叫做',
  '联系人',
  '收款人',
  '付款人',
  '户名',
  '户主',
  '持卡人',
  '开户人',
  '代办人',
  '代理人',
  '经办人',
  '客户',
  '转给',
  '转账给',
  '汇给',
  '签名',
];
// Words right after a name: forms of address and job titles.
const AFTER = ['先生', '女士', '小姐', '经理', '老师', '医生', '律师', '主任', '阿姨', '同学', '总监', '教授'];
// What follows a name in a sentence about that person: "马艳的那笔转账", "周芳给我打过电话".
const POSITION_AFTER = [
  '的账户',
  '的账号',
  '的卡',
  '的那笔',
  '的转账',
  '的电话',
  '的手机',
  '的银行',
  '的钱',
  '给我',
  '打过',
  '打来',
  '说过',
  '转来',
  '汇来',
];
const INSTITUTION_END = new Set('行司局院店部厅所处社会馆'.split(''));
// Characters that end a given name: particles, pronouns, verbs that commonly follow one.
const NOT_GIVEN = new Set(
  '的了是在我你他她们和与及或也都就要想来去说请吗呢吧啊，。、！？：；先女小经老医律主阿同总教'.split(''),
);
const NOT_GIVEN_FIRST = new Set([...NOT_GIVEN].filter((c) => c !== '小'));

// Everyday words that begin with a surname character (周末 weekend, 张卡 "(this) card", 金额 amount).
const NOT_NAMES = [
  '周末',
  '周一',
  '周二',
  '周三',
  '周四',
  '周五',
  '周六',
  '周日',
  '周年',
  '周期',
  '张卡',
  '张江',
  '高科',
  '高速',
  '高级',
  '金额',
  '金卡',
  '方便',
  '方式',
  '方法',
  '成功',
  '安全',
  '明天',
  '明细',
  '明白',
  '白金',
  '文件',
  '时间',
  '时候',
  '万元',
  '于是',
  '关于',
  '应该',
  '全部',
  '连接',
  '余额',
  '费用',
  '解决',
  '常见',
  '江苏',
  '黄金',
  '毛利',
  '马上',
  '钱包',
  '路上',
  '程序',
  '任何',
  '何时',
  '许多',
  '华为',
  '朱家',
];
// After these characters a surname character is a measure word or part of a word (这张卡, 每周).
const NOT_AFTER = new Set('这那一几每两哪上下本'.split(''));

const HAN = /\p{Script=Han}/u;

/** rejects a candidate name starting at `at` that is an everyday word or a measure-word use */
export function isUnlikelyName(text: string, at: number): boolean {
  return NOT_NAMES.some((w) => text.startsWith(w, at)) || NOT_AFTER.has(text[at - 1] ?? '');
}

/** length of the common surname starting at `at` (2 for compound ones), 0 when there is none */
export function surnameAt(text: string, at: number): number {
  if (COMPOUND.some((c) => text.startsWith(c, at))) return 2;
  return SURNAMES.includes(text[at] ?? '\u0000') ? 1 : 0;
}

/** surname + 1–2 given-name characters, reported only with a trigger phrase before, a title after
 * or, for a full name, a phrase after that only follows a person */
export function surnamePersons(text: string): Candidate[] {
  const found: Candidate[] = [];
  for (let at = 0; at < text.length; at++) {
    const surname = surnameAt(text, at);
    if (surname === 0) continue;
    const before = text.slice(Math.max(0, at - 4), at).replace(/[\s:：]+$/u, '');
    const triggered = BEFORE.some((w) => before.endsWith(w));
    const everyday = NOT_NAMES.some((w) => text.startsWith(w, at));
    if (everyday && !triggered) continue;
    let end = at + surname;
    for (let k = 0; k < 2; k++) {
      const ch = text[end] ?? '';
      const stop = k === 0 ? NOT_GIVEN_FIRST : NOT_GIVEN;
      if (!HAN.test(ch) || stop.has(ch) || AFTER.some((w) => text.startsWith(w, end))) break;
      end++;
    }
    const titled = AFTER.some((w) => text.startsWith(w, end));
    // A full name (a given name after the surname) in a position only a person takes; the given
    // name may be one character shorter than read ("周芳给我": 给 starts what follows).
    const placed = (e: number): boolean => e > at + surname && POSITION_AFTER.some((w) => text.startsWith(w, e));
    // "查一下马艳" is a name after a verb; "上周", "这张" are words.
    const measure = isUnlikelyName(text, at) && text.slice(at - 2, at) !== '一下';
    const positioned = !triggered && !titled && !measure && (placed(end) || placed(end - 1));
    if (positioned && !placed(end)) end -= 1;
    // 工商银行的电话: an institution, not a person
    if (positioned && INSTITUTION_END.has(text[end - 1] ?? '')) continue;
    if (!triggered && !titled && !positioned) continue;
    // after 这/那/一/每… a surname character is a measure word or part of a word (这张卡, 每周)
    if (!triggered && !positioned && isUnlikelyName(text, at)) continue;
    // A bare surname counts only before a title (王先生); after a trigger it needs a given name.
    if (end === at + surname && !titled) continue;
    found.push({ start: at, end, score: triggered && titled ? 0.9 : triggered || titled ? 0.75 : 0.65 });
    at = end - 1;
  }
  return found;
}
