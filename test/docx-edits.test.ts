// Edits a department makes in Word, read as a person reads the printed page (issue 16): struck-out
// corrections, automatic numbering, hidden text (directly or by a style), footnotes, symbols from
// the Symbol and Wingdings fonts, and characters the font cannot print. Each either comes back as
// the data the page shows, or is refused with its place; none comes back as other data.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTemplates, type FormTemplates } from '../src/layout/templates.js';
import type { Packet } from '../src/model/packet.js';
import { readDocx } from '../src/extract/docx-read.js';
import { extractDocx } from '../src/extract/docx.js';
import { extractFile } from '../src/output/revision.js';
import { formatDiagnostic } from '../src/validate/format.js';
import {
  addNumbering,
  buildDocx,
  cellWithText,
  children,
  editDocx,
  editDocxParts,
  numberParagraph,
  readBytes,
  run,
  setCellText,
  setRunProperty,
  symbolRun,
  wElement,
} from './support/docx.js';
import { DISTINCT_FILE, loadDistinct } from './support/golden.js';
import { lines } from './support/problems.js';

// ── the reader, on hand-written WordprocessingML ─────────────────────────────────────────────

const W_NS = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const STYLES_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles';
const NUMBERING_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering';

/** A .docx of `body`, with styles.xml and numbering.xml (their children given) named by the main part's relationships. */
function docx(body: string, { styles = '', numbering = '' } = {}): Uint8Array {
  const part = (root: string, inner: string) => `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:${root} xmlns:w="${W_NS}">${inner}</w:${root}>`;
  return zipSync({
    'word/document.xml': strToU8(part('document', `<w:body>${body}<w:sectPr/></w:body>`)),
    'word/_rels/document.xml.rels': strToU8(
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        `<Relationship Id="rId1" Type="${STYLES_REL}" Target="styles.xml"/><Relationship Id="rId2" Type="${NUMBERING_REL}" Target="numbering.xml"/></Relationships>`,
    ),
    'word/styles.xml': strToU8(part('styles', styles)),
    'word/numbering.xml': strToU8(part('numbering', numbering)),
  });
}
const t = (text: string, rPr = '') => `<w:r>${rPr ? `<w:rPr>${rPr}</w:rPr>` : ''}<w:t xml:space="preserve">${text}</w:t></w:r>`;
const p = (content: string, pPr = '') => `<w:p>${pPr ? `<w:pPr>${pPr}</w:pPr>` : ''}${content}</w:p>`;
const numPr = (numId: number, ilvl = 0) => `<w:numPr><w:ilvl w:val="${ilvl}"/><w:numId w:val="${numId}"/></w:numPr>`;
/** A list: abstractNum `id` with level 0 as given (and level 1 decimal "%1.%2"), and num `id` pointing at it. */
const list = (id: number, numFmt: string, lvlText: string, extra = '') =>
  `<w:abstractNum w:abstractNumId="${id}"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="${numFmt}"/><w:lvlText w:val="${lvlText}"/>${extra}</w:lvl>` +
  `<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl></w:abstractNum>`;
const num = (numId: number, abstractId: number, override = '') => `<w:num w:numId="${numId}"><w:abstractNumId w:val="${abstractId}"/>${override}</w:num>`;

/** The paragraphs of a body as read: text and marks. */
const paragraphs = async (bytes: Uint8Array) => (await readDocx(bytes)).blocks.map((b) => (b.type === 'paragraph' ? b : undefined));

describe('struck-through text is read as deleted, and named', () => {
  it('w:strike, w:dstrike and w:strike w:val="true" leave the words out; w:val="0" does not', async () => {
    const read = await paragraphs(
      docx(
        p(t('≥') + t('4', '<w:strike/>') + t('5(次)')) +
          p(t('旧的', '<w:dstrike/>') + t('说法', '<w:strike w:val="true"/>') + t('新的说法')) +
          p(t('不算', '<w:strike w:val="0"/>') + t('删除')),
      ),
    );
    expect(read).toEqual([
      { type: 'paragraph', text: '≥5(次)', struck: ['4'] },
      { type: 'paragraph', text: '新的说法', struck: ['旧的说法'] },
      { type: 'paragraph', text: '不算删除' },
    ]);
  });

  it('strikes through a character style and a paragraph style, and a run can turn it off again', async () => {
    const styles =
      '<w:style w:type="character" w:styleId="Deleted"><w:rPr><w:strike/></w:rPr></w:style>' +
      '<w:style w:type="character" w:styleId="DeletedToo"><w:basedOn w:val="Deleted"/></w:style>' +
      '<w:style w:type="paragraph" w:styleId="Old"><w:rPr><w:dstrike/></w:rPr></w:style>';
    const read = await paragraphs(
      docx(p(t('甲', '<w:rStyle w:val="DeletedToo"/>') + t('乙')) + p(t('丙') + t('丁', '<w:strike w:val="0"/><w:dstrike w:val="0"/>'), '<w:pStyle w:val="Old"/>'), { styles }),
    );
    expect(read).toEqual([
      { type: 'paragraph', text: '乙', struck: ['甲'] },
      { type: 'paragraph', text: '丁', struck: ['丙'] },
    ]);
  });
});

describe('hidden text is not read, however it is hidden', () => {
  it('by a character style, a paragraph style (its mark too: the paragraph is gone), or the defaults', async () => {
    const styles =
      '<w:style w:type="character" w:styleId="Note"><w:rPr><w:vanish/></w:rPr></w:style>' +
      '<w:style w:type="paragraph" w:styleId="Hidden"><w:rPr><w:vanish/></w:rPr></w:style>';
    const read = await paragraphs(docx(p(t('可见') + t('（内部备注）', '<w:rStyle w:val="Note"/>')) + p(t('整段隐藏'), '<w:pStyle w:val="Hidden"/>') + p(t('下一段')), { styles }));
    expect(read).toEqual([
      { type: 'paragraph', text: '可见' },
      { type: 'paragraph', text: '下一段' },
    ]);
    const hiddenByDefault = '<w:docDefaults><w:rPrDefault><w:rPr><w:vanish/></w:rPr></w:rPrDefault></w:docDefaults>';
    expect(await paragraphs(docx(p(t('看不见') + t('看得见', '<w:vanish w:val="0"/>')), { styles: hiddenByDefault }))).toEqual([{ type: 'paragraph', text: '看得见' }]);
  });
});

describe('properties resolved as Word prints them', () => {
  it('strike-through set by both a character style and a paragraph style cancels out; a direct strike="0" leaves a style\'s double strike', async () => {
    const styles =
      '<w:style w:type="character" w:styleId="C"><w:rPr><w:strike/></w:rPr></w:style>' +
      '<w:style w:type="paragraph" w:styleId="P"><w:rPr><w:strike/></w:rPr></w:style>' +
      '<w:style w:type="character" w:styleId="D"><w:rPr><w:dstrike/></w:rPr></w:style>';
    const read = await paragraphs(docx(p(t('甲', '<w:rStyle w:val="C"/>'), '<w:pStyle w:val="P"/>') + p(t('乙', '<w:rStyle w:val="D"/><w:strike w:val="0"/>') + t('丙')), { styles }));
    expect(read).toEqual([
      { type: 'paragraph', text: '甲' },
      { type: 'paragraph', text: '丙', struck: ['乙'] },
    ]);
  });

  it('ASCII text prints in the ascii font: a symbol font named for hAnsi only does not change it', async () => {
    expect((await paragraphs(docx(p(t('no', '<w:rFonts w:hAnsi="Wingdings"/>'))))).map((b) => b?.text)).toEqual(['no']);
  });

  it('text raised with w:position reads as superscript digits; a small shift (aligning type) does not', async () => {
    const read = await paragraphs(docx(p(t('≥10') + t('5', '<w:position w:val="8"/><w:sz w:val="11"/>') + t('(人次)')) + p(t('CO') + t('2', '<w:position w:val="-6"/>')) + p(t('对齐', '<w:position w:val="-2"/>') + t('5', '<w:position w:val="2"/>'))));
    expect(read.map((b) => b?.text)).toEqual(['≥10⁵(人次)', 'CO₂', '对齐5']);
  });

  it('w:lvlRestart="0": a second level counts on across its first level', async () => {
    const numbering =
      '<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>' +
      '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:lvlRestart w:val="0"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%2)"/></w:lvl></w:abstractNum>' +
      num(1, 1);
    const body = p(t('甲'), numPr(1)) + p(t('乙'), numPr(1, 1)) + p(t('丙'), numPr(1)) + p(t('丁'), numPr(1, 1));
    expect((await paragraphs(docx(body, { numbering }))).map((b) => b?.text)).toEqual(['1. 甲', 'a) 乙', '2. 丙', 'b) 丁']);
  });

  it('the custom format 001, 002 (in mc:AlternateContent, as Word 2010+ and LibreOffice write it)', async () => {
    const numbering =
      '<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="1"/>' +
      '<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml">' +
      '<mc:Choice Requires="w14"><w:numFmt w:val="custom" w:format="001, 002, 003, ..."/></mc:Choice><mc:Fallback><w:numFmt w:val="decimal"/></mc:Fallback></mc:AlternateContent>' +
      '<w:lvlText w:val="%1."/></w:lvl></w:abstractNum>' +
      num(1, 1);
    expect((await paragraphs(docx(p(t('甲'), numPr(1)) + p(t('乙'), numPr(1)), { numbering }))).map((b) => b?.text)).toEqual(['001. 甲', '002. 乙']);
  });
});

describe('fields read as the page prints them', () => {
  const field = (code: string, result: string, begin = '<w:fldChar w:fldCharType="begin"/>') =>
    `<w:r>${begin}</w:r><w:r><w:instrText xml:space="preserve"> ${code} </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>${t(result)}<w:r><w:fldChar w:fldCharType="end"/></w:r>`;

  it('a date, page or formula field is named (the page shows what it works out when opened); a locked one is its text', async () => {
    const read = await paragraphs(docx(p(field('DATE \\@ "yyyy-MM-dd"', '2024-02-15')) + p(field('DATE', '2024-11-20', '<w:fldChar w:fldCharType="begin" w:fldLock="1"/>')) + p('<w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>')));
    const refused = '这里有会自动更新的域（DATE），打开或打印文件时会换成别的内容，读不准。请改成直接输入的文字（在 Word 里选中域按 Ctrl+Shift+F9 可把域变成文字）';
    expect(read).toEqual([
      { type: 'paragraph', text: '2024-02-15', unreadable: [refused] },
      { type: 'paragraph', text: '2024-11-20' },
      { type: 'paragraph', text: '1', unreadable: [refused.replace('DATE', 'PAGE')] },
    ]);
  });

  it('a field nested in another field\'s code shows nothing: only the outer result', async () => {
    const nested =
      '<w:r><w:fldChar w:fldCharType="begin" w:fldLock="1"/></w:r><w:r><w:instrText xml:space="preserve"> IF </w:instrText></w:r>' +
      field('=1+1', '2') +
      '<w:r><w:instrText xml:space="preserve"> = 2 "提高" "降低" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>' +
      t('提高') +
      '<w:r><w:fldChar w:fldCharType="end"/></w:r>';
    expect(await paragraphs(docx(p(nested)))).toEqual([{ type: 'paragraph', text: '提高' }]);
  });

  it('a legacy drop-down form field shows its chosen entry; a hyperlink field its text', async () => {
    const dropDown =
      '<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="D1"/><w:ddList><w:result w:val="1"/><w:listEntry w:val="维持现状"/><w:listEntry w:val="一次性项目"/></w:ddList></w:ffData></w:fldChar></w:r>' +
      '<w:r><w:instrText xml:space="preserve"> FORMDROPDOWN </w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>';
    expect(await paragraphs(docx(p(dropDown) + p(field('HYPERLINK "https://example.org"', '网站'))))).toEqual([
      { type: 'paragraph', text: '一次性项目' },
      { type: 'paragraph', text: '网站' },
    ]);
  });
});

describe('white text', () => {
  it('is named (it does not show on paper); on a highlight, or in another colour, it is read', async () => {
    const read = await paragraphs(
      docx(p(t('提高') + t('（备注）', '<w:color w:val="FFFFFF"/>')) + p(t('醒目', '<w:color w:val="ffffff"/><w:highlight w:val="black"/>')) + p(t('红字', '<w:color w:val="FF0000"/>'))),
    );
    expect(read).toEqual([
      { type: 'paragraph', text: '提高（备注）', unreadable: ['这里有白色的字「（备注）」，印在白纸上看不见，读不准。请删去，或改成看得见的颜色'] },
      { type: 'paragraph', text: '醒目' },
      { type: 'paragraph', text: '红字' },
    ]);
  });
});

describe('capitals, raised and lowered text read as printed', () => {
  it('w:caps and w:smallCaps print capitals; superscript and subscript digits are ² and ₂', async () => {
    const read = await paragraphs(
      docx(p(t('app', '<w:caps/>') + t('使用率')) + p(t('面积≥500m') + t('2', '<w:vertAlign w:val="superscript"/>')) + p(t('H') + t('2', '<w:vertAlign w:val="subscript"/>') + t('O')) + p(t('excel', '<w:smallCaps/>'))),
    );
    expect(read.map((b) => b?.text)).toEqual(['APP使用率', '面积≥500m²', 'H₂O', 'EXCEL']);
  });

  it('raised text with no such character is named, not read as baseline text', async () => {
    expect(await paragraphs(docx(p(t('见') + t('注一', '<w:vertAlign w:val="superscript"/>'))))).toEqual([
      { type: 'paragraph', text: '见注一', unreadable: ['这里有设为上标的「注一」，它没有对应的上标字符，无法读取。请改成普通文字（只有数字和 + - = ( ) 能读成上标字符，如 m²、H₂O）'] },
    ]);
  });
});

describe('automatic numbering is read as printed', () => {
  const numbered = async (numFmt: string, lvlText: string, texts: string[], extra = '') =>
    (await paragraphs(docx(texts.map((text) => p(t(text), numPr(1))).join(''), { numbering: list(1, numFmt, lvlText, extra) + num(1, 1) }))).map((b) => b?.text);

  it.each([
    ['decimal', '%1.', ['1. 加强', '2. 提升', '3. 完成']],
    ['decimal', '%1)', ['1) 加强', '2) 提升', '3) 完成']],
    ['chineseCounting', '%1、', ['一、加强', '二、提升', '三、完成']],
    ['chineseCountingThousand', '（%1）', ['（一）加强', '（二）提升', '（三）完成']],
    ['decimalEnclosedCircle', '%1', ['①加强', '②提升', '③完成']],
    ['decimalEnclosedCircleChinese', '%1', ['①加强', '②提升', '③完成']],
    ['lowerLetter', '%1)', ['a) 加强', 'b) 提升', 'c) 完成']],
    ['upperRoman', '%1.', ['I. 加强', 'II. 提升', 'III. 完成']],
    ['bullet', '•', ['•加强', '•提升', '•完成']],
    ['decimalFullWidth', '%1．', ['１．加强', '２．提升', '３．完成']],
    ['ideographTraditional', '%1、', ['甲、加强', '乙、提升', '丙、完成']],
  ])('%s "%s"', async (numFmt, lvlText, expected) => {
    expect(await numbered(numFmt, lvlText, ['加强', '提升', '完成'])).toEqual(expected);
  });

  it('a bullet in the Symbol font (Word\'s default bullet, U+F0B7) is •', async () => {
    expect(await numbered('bullet', '\uF0B7', ['加强'], '<w:rPr><w:rFonts w:ascii="Symbol" w:hAnsi="Symbol" w:hint="default"/></w:rPr>')).toEqual(['•加强']);
  });

  it('counts Chinese numbers past ten as written: 十、十一、二十', async () => {
    const texts = Array.from({ length: 21 }, (_, i) => `第${i + 1}项`);
    const read = await numbered('chineseCounting', '%1、', texts);
    expect([read[9], read[10], read[19], read[20]]).toEqual(['十、第10项', '十一、第11项', '二十、第20项', '二十一、第21项']);
  });

  it('the space suffix and "nothing" after the number', async () => {
    expect(await numbered('decimal', '%1.', ['甲'], '<w:suff w:val="space"/>')).toEqual(['1. 甲']);
    expect(await numbered('decimal', '%1.', ['甲'], '<w:suff w:val="nothing"/>')).toEqual(['1.甲']);
  });

  it('a second level, numbering continued across lists of one definition, and restarted by startOverride (the list counts on from there)', async () => {
    const numbering = list(1, 'decimal', '%1.') + num(1, 1) + num(2, 1) + num(3, 1, '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>');
    const body = p(t('甲'), numPr(1)) + p(t('乙'), numPr(1, 1)) + p(t('丙'), numPr(1, 1)) + p(t('丁'), numPr(2)) + p(t('戊'), numPr(3)) + p(t('己'), numPr(1));
    expect((await paragraphs(docx(body, { numbering }))).map((b) => b?.text)).toEqual(['1. 甲', '1.1 乙', '1.2 丙', '2. 丁', '1. 戊', '2. 己']);
  });

  it('numbering from a paragraph style, and numId 0 turning it off', async () => {
    const styles = '<w:style w:type="paragraph" w:styleId="List"><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>';
    const body = p(t('甲'), '<w:pStyle w:val="List"/>') + p(t('乙'), `<w:pStyle w:val="List"/>${numPr(0)}`) + p(t('丙'), '<w:pStyle w:val="List"/>');
    expect((await paragraphs(docx(body, { styles, numbering: list(1, 'decimal', '%1.') + num(1, 1) }))).map((b) => b?.text)).toEqual(['1. 甲', '乙', '2. 丙']);
  });

  it('counts in document order through tables', async () => {
    const cellP = (text: string) => `<w:tbl><w:tblGrid><w:gridCol/></w:tblGrid><w:tr><w:tc>${p(t(text), numPr(1))}</w:tc></w:tr></w:tbl>`;
    const { blocks } = await readDocx(docx(p(t('甲'), numPr(1)) + cellP('乙') + p(t('丙'), numPr(1)), { numbering: list(1, 'decimal', '%1.') + num(1, 1) }));
    expect(blocks.map((b) => (b.type === 'paragraph' ? b.text : b.rows[0]![0]!.text))).toEqual(['1. 甲', '2. 乙', '3. 丙']);
  });

  it('a format it does not know, or a list the file does not define, is named, not guessed', async () => {
    expect(await paragraphs(docx(p(t('甲'), numPr(1)), { numbering: list(1, 'ordinalText', '%1') + num(1, 1) }))).toEqual([
      { type: 'paragraph', text: '甲', unreadable: ['段落的自动编号格式「ordinalText」无法读成文字，请把编号改成直接输入的文字（如“1.”）'] },
    ]);
    expect(await paragraphs(docx(p(t('甲'), numPr(7))))).toEqual([
      { type: 'paragraph', text: '甲', unreadable: ['段落有自动编号，但文件里找不到它的编号格式（编号 7），读不出印的是什么编号'] },
    ]);
  });
});

describe('symbols and notes', () => {
  it('maps the Symbol font, as w:sym and as private-use characters in a Symbol run, and Wingdings check marks', async () => {
    const sym = (font: string, char: string) => `<w:r><w:sym w:font="${font}" w:char="${char}"/></w:r>`;
    const symbolFont = '<w:rFonts w:ascii="Symbol" w:hAnsi="Symbol"/>';
    const read = await paragraphs(
      docx(
        p(sym('Symbol', 'F0B3') + t('90(%)')) +
          p(t('\uF0A3', symbolFont) + t('5(天)')) +
          p(t('\uF0B1\uF0B4\uF0B8\uF0B0\uF0B9', symbolFont)) +
          p(t('a', symbolFont) + t('、') + sym('Wingdings', 'F0FC') + sym('Wingdings 2', 'F050')),
      ),
    );
    expect(read.map((b) => b?.text)).toEqual(['≥90(%)', '≤5(天)', '±×÷°≠', 'α、✓✓']);
  });

  it('a symbol it cannot map is named with its font and code', async () => {
    expect(await paragraphs(docx(p(t('见') + '<w:r><w:sym w:font="Wingdings" w:char="F04E"/></w:r>')))).toEqual([
      { type: 'paragraph', text: '见', unreadable: ['这里有 Wingdings 字体的符号（代码 F04E），它没有对应的文字，无法读取。请改成直接输入的字符（如 ≥ ≤ ±）'] },
    ]);
  });

  it('a footnote or an endnote reference is named', async () => {
    const read = await paragraphs(docx(p(t('≥4(次)') + '<w:r><w:footnoteReference w:id="1"/></w:r>') + p(t('提升') + '<w:r><w:endnoteReference w:id="2"/></w:r>')));
    expect(read.map((b) => b?.unreadable)).toEqual([
      ['这里有脚注：脚注不是任何一栏的内容，无法读取。请删去脚注，要说明的话写进单元格的文字里'],
      ['这里有尾注：尾注不是任何一栏的内容，无法读取。请删去尾注，要说明的话写进单元格的文字里'],
    ]);
  });
});

// ── a real form, edited as Word writes its XML ───────────────────────────────────────────────

describe('edits in a form come back as the page shows them, or are refused with the place', () => {
  let templates: FormTemplates;
  let original: Uint8Array;
  let before: Packet;
  let dir: string;
  beforeAll(async () => {
    templates = await loadTemplates();
    const packetDir = await buildDocx(DISTINCT_FILE);
    original = readBytes(path.join(packetDir, '01-社区睦邻学堂运营.docx'));
    const distinct = loadDistinct();
    before = { ...distinct, projects: [distinct.projects[0]!] };
    before.projects[0]!.funds.project.other = '95174.00';
    dir = mkdtempSync(path.join(os.tmpdir(), 'shenbao-edits-'));
  }, 60_000);

  /** Writes the edited form and reads it as `shenbao extract` does: data, problems and diagnostics. */
  async function extracted(bytes: Uint8Array) {
    const file = path.join(dir, `${Math.random().toString(36).slice(2)}.docx`);
    writeFileSync(file, bytes);
    const read = await extractFile(file, templates);
    return { ...read, file, lines: read.diagnostics.map((d) => formatDiagnostic(d, 'x.docx', read.projectNames)) };
  }
  const expected = (change: (p: Packet['projects'][number]) => void): Packet => {
    const copy = structuredClone(before);
    change(copy.projects[0]!);
    return copy;
  };

  it('a target corrected by striking the old number and typing the new one: the new one, with a warning naming the cell', async () => {
    const bytes = editDocx(original, (d) => {
      const cell = cellWithText(d, '≥120(场)');
      setCellText(cell, '≥');
      const paragraph = children(cell as never, 'p')[0]!;
      const old = run(d, '120');
      setRunProperty(old, wElement(d, 'strike'));
      paragraph.appendChild(old);
      paragraph.appendChild(run(d, '150(场)'));
    });
    const read = await extracted(bytes);
    expect(read.problems).toEqual([]);
    expect(read.data).toEqual(expected((p) => (p.indicators[0]!.target = '≥150(场)')));
    expect(read.lines).toContain(
      'x.docx：项目 1「社区睦邻学堂运营」：绩效指标第 1 条的年度(/项目)指标值（projects[0].indicators[0].target）：警告：带删除线的「120」按删除读，没有读入（Word 第 1 张申报表第 2 个表格第 2 行第 7 列：「≥150(场)」）',
    );
  });

  it('a row whose indicator and target are both struck out is read as deleted, and said', async () => {
    const bytes = editDocx(original, (d) => {
      for (const text of ['学堂学员注册人数', '≥2600(人)']) {
        const r = children(children(cellWithText(d, text), 'p')[0]!, 'r')[0]!;
        setRunProperty(r, wElement(d, 'strike'));
      }
    });
    const read = await extracted(bytes);
    expect(read.problems).toEqual([]);
    expect(read.data).toEqual(expected((p) => p.indicators.splice(1, 1)));
    expect(lines(read.notes)).toContain(`${read.file}：第 1 张申报表第 2 个表格第 3 行：这一行的三级指标和指标值都带删除线（「学堂学员注册人数」「≥2600(人)」），按删除这条指标读`);
  });

  it('the annual goal numbered with Format → Numbering: the numbers are part of the text', async () => {
    const goal = before.projects[0]!.annualGoal;
    const bytes = editDocxParts(original, (parts) => {
      const numId = addNumbering(parts, { numFmt: 'chineseCounting', lvlText: '%1、' });
      const cell = cellWithText(parts.document, goal);
      setCellText(cell, '开设睦邻学堂课程');
      const next = parts.document.createElementNS(W_NS, 'w:p');
      next.appendChild(run(parts.document, '覆盖全部居民区'));
      cell.appendChild(next);
      const first = children(cell, 'p')[0];
      numberParagraph(first!, numId);
      numberParagraph(next, numId);
    });
    const read = await extracted(bytes);
    expect(read.problems).toEqual([]);
    expect(read.data).toEqual(expected((p) => (p.annualGoal = '一、开设睦邻学堂课程\n二、覆盖全部居民区')));
  });

  it('≥ inserted from the Symbol font (w:sym, or U+F0B3 in a Symbol run) reads as ≥: the data is unchanged', async () => {
    for (const how of ['sym', 'private-use'] as const) {
      const bytes = editDocx(original, (d) => {
        const cell = cellWithText(d, '≥120(场)');
        setCellText(cell, '120(场)');
        const paragraph = children(cell as never, 'p')[0]!;
        paragraph.insertBefore(symbolRun(d, 0xf0b3, how), paragraph.firstChild);
      });
      const read = await extracted(bytes);
      expect(read.problems).toEqual([]);
      expect(read.data).toEqual(before);
    }
  });

  it('a footnote on a target is refused with its place', async () => {
    const bytes = editDocx(original, (d) => {
      const r = d.createElementNS(W_NS, 'w:r');
      r.appendChild(wElement(d, 'footnoteReference', { id: '1' }));
      children(cellWithText(d, '≥120(场)') as never, 'p')[0]!.appendChild(r);
    });
    expect(lines((await extractDocx(bytes, 'x.docx', templates)).problems)).toEqual([
      'x.docx：第 1 张申报表第 2 个表格第 2 行第 7 列（绩效指标第 1 条的年度(/项目)指标值）：这里有脚注：脚注不是任何一栏的内容，无法读取。请删去脚注，要说明的话写进单元格的文字里',
    ]);
  });

  it('a Wingdings symbol with no character is refused with its place and font', async () => {
    const bytes = editDocx(original, (d) => {
      const paragraph = children(cellWithText(d, '睦邻学堂开课场次') as never, 'p')[0]!;
      paragraph.appendChild(symbolRun(d, 0xf04e, 'sym', 'Wingdings'));
    });
    expect(lines((await extractDocx(bytes, 'x.docx', templates)).problems)).toEqual([
      'x.docx：第 1 张申报表第 2 个表格第 2 行第 4 列（绩效指标第 1 条的三级指标）：这里有 Wingdings 字体的符号（代码 F04E），它没有对应的文字，无法读取。请改成直接输入的字符（如 ≥ ≤ ±）',
    ]);
  });

  it('text hidden by a character style is not read', async () => {
    const bytes = editDocxParts(original, (parts) => {
      const styles = parts.xml('word/styles.xml')!;
      const style = wElement(styles, 'style', { type: 'character', styleId: '内部备注' });
      const rPr = wElement(styles, 'rPr');
      rPr.appendChild(wElement(styles, 'vanish'));
      style.appendChild(rPr);
      styles.documentElement!.appendChild(style);
      const note = run(parts.document, '（仅供内部参考）');
      setRunProperty(note, wElement(parts.document, 'rStyle', { val: '内部备注' }));
      children(cellWithText(parts.document, '睦邻学堂开课场次') as never, 'p')[0]!.appendChild(note);
    });
    const read = await extracted(bytes);
    expect(read.problems).toEqual([]);
    expect(read.data).toEqual(before);
  });

  it('a character the font cannot print is an error in extract, as in validate', async () => {
    const bytes = editDocx(original, (d) => setCellText(cellWithText(d, '睦邻学堂开课场次'), '睦邻学堂开课场次𠀀'));
    const read = await extracted(bytes);
    expect(read.problems).toEqual([]);
    expect(read.packet).toBeUndefined();
    expect(read.lines.filter((line) => line.includes('错误'))).toEqual([
      'x.docx：项目 1「社区睦邻学堂运营」：绩效指标第 1 条的三级指标（projects[0].indicators[0].name）：错误：「𠀀」（U+20000）不在字体 NotoSerifSC-Regular 中，印出来会是空白方框（Word 第 1 张申报表第 2 个表格第 2 行第 4 列：「睦邻学堂开课场次𠀀」）\n' +
        '    提示：这是生僻字（CJK 扩展 B 区）：可用 --font、--font-bold 换用收有此字的中文字体，或按本单位惯例改写（如以同音字代替并加注）',
    ]);
  });
});
