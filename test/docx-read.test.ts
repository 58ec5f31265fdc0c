// Reading .docx bodies back: text as Word shows it after Accept All Changes, merged cells as
// row/column spans, document properties, and the refusals for files that are not Word documents.
import { Document, Packer, Paragraph, Table, TableCell, TableRow, TextRun } from 'docx';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readDocx, type DocxTable } from '../src/extract/docx-read.js';
import { UserError } from '../src/errors.js';

const W_NS = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const NAMESPACES =
  `xmlns:w="${W_NS}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" ` +
  'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" ' +
  'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" mc:Ignorable="w14"';

const CONTENT_TYPES =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
  '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
  '<Default Extension="xml" ContentType="application/xml"/>' +
  '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' +
  '</Types>';

const documentXml = (body: string, namespaces = NAMESPACES, prefix = 'w') =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><${prefix}:document ${namespaces}><${prefix}:body>${body}<${prefix}:sectPr/></${prefix}:body></${prefix}:document>`;

/** A minimal .docx around `body` (the children of w:body); extra parts are added, `null` removes one. */
function docxOf(body: string, extraParts: Record<string, string | null> = {}): Uint8Array {
  const parts: Record<string, string | null> = {
    '[Content_Types].xml': CONTENT_TYPES,
    'word/document.xml': documentXml(body),
    ...extraParts,
  };
  const files: Record<string, Uint8Array> = {};
  for (const [name, text] of Object.entries(parts)) if (text !== null) files[name] = strToU8(text);
  return zipSync(files);
}

// Small builders for hand-written WordprocessingML.
const t = (text: string) => `<w:r><w:t xml:space="preserve">${text}</w:t></w:r>`;
const p = (...runs: string[]) => `<w:p>${runs.map((run) => (run.startsWith('<') ? run : t(run))).join('')}</w:p>`;
const tc = (content: string, tcPr = '') => `<w:tc>${tcPr ? `<w:tcPr>${tcPr}</w:tcPr>` : ''}${content}</w:tc>`;
const tr = (cells: string, trPr = '') => `<w:tr>${trPr ? `<w:trPr>${trPr}</w:trPr>` : ''}${cells}</w:tr>`;
const tbl = (columns: number, rows: string) =>
  `<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid>${'<w:gridCol w:w="1000"/>'.repeat(columns)}</w:tblGrid>${rows}</w:tbl>`;

const cell = (row: number, col: number, text: string, rowSpan = 1, colSpan = 1) => ({ row, col, rowSpan, colSpan, text });

/** The only block, which must be a table. */
async function onlyTable(bytes: Uint8Array): Promise<DocxTable> {
  const { blocks } = await readDocx(bytes);
  expect(blocks).toHaveLength(1);
  expect(blocks[0]!.type).toBe('table');
  return blocks[0] as DocxTable;
}

/** The text of the only paragraph of a body. */
const bodyText = async (body: string) => {
  const { blocks } = await readDocx(docxOf(body));
  expect(blocks).toHaveLength(1);
  return blocks[0]!.type === 'paragraph' ? blocks[0]!.text : undefined;
};

describe('tables and merged cells', () => {
  it('reads a plain table with a header row and gridSpan', async () => {
    const bytes = docxOf(
      p('标题') +
        tbl(
          3,
          tr(tc(p('项目名称')) + tc(p('某某项目'), '<w:gridSpan w:val="2"/>'), '<w:tblHeader/>') +
            tr(tc(p('a')) + tc(p('b')) + tc(p('c'))) +
            tr(tc(p('x'), '<w:gridSpan w:val="3"/>'), '<w:tblHeader w:val="false"/>'),
        ) +
        p('结尾'),
    );
    expect(await readDocx(bytes)).toEqual({
      blocks: [
        { type: 'paragraph', text: '标题' },
        {
          type: 'table',
          gridColumns: 3,
          rows: [
            [cell(0, 0, '项目名称'), cell(0, 1, '某某项目', 1, 2)],
            [cell(1, 0, 'a'), cell(1, 1, 'b'), cell(1, 2, 'c')],
            [cell(2, 0, 'x', 1, 3)],
          ],
          headerRows: [true, false, false],
        },
        { type: 'paragraph', text: '结尾' },
      ],
      core: {},
      custom: {},
    });
  });

  it('merges vMerge restart with the empty-val continue cells below (Word)', async () => {
    const table = await onlyTable(
      docxOf(
        tbl(
          2,
          tr(tc(p('指标'), '<w:vMerge w:val="restart"/>') + tc(p('1'))) +
            tr(tc(p(), '<w:vMerge/>') + tc(p('2'))) +
            tr(tc(p(), '<w:vMerge/>') + tc(p('3'))) +
            tr(tc(p('其他')) + tc(p('4'))),
        ),
      ),
    );
    expect(table).toEqual({
      type: 'table',
      gridColumns: 2,
      rows: [[cell(0, 0, '指标', 3), cell(0, 1, '1')], [cell(1, 1, '2')], [cell(2, 1, '3')], [cell(3, 0, '其他'), cell(3, 1, '4')]],
      headerRows: [false, false, false, false],
    });
  });

  it('merges w:val="continue" cells (LibreOffice) of a merged block two columns wide', async () => {
    const table = await onlyTable(
      docxOf(
        tbl(
          3,
          tr(tc(p('A')) + tc(p('合并'), '<w:gridSpan w:val="2"/><w:vMerge w:val="restart"/>')) +
            tr(tc(p('B')) + tc(p(), '<w:gridSpan w:val="2"/><w:vMerge w:val="continue"/>')),
        ),
      ),
    );
    expect(table.rows).toEqual([[cell(0, 0, 'A'), cell(0, 1, '合并', 2, 2)], [cell(1, 0, 'B')]]);
  });

  it('grows the merge when a row is inserted inside it (tracked insertion, continue cell)', async () => {
    const table = await onlyTable(
      docxOf(
        tbl(
          2,
          tr(tc(p('产出指标'), '<w:vMerge w:val="restart"/>') + tc(p('数量'))) +
            tr(tc(p(), '<w:vMerge/>') + tc(p('质量'))) +
            tr(tc(p(), '<w:vMerge/>') + tc(p(`<w:ins w:id="1" w:author="a" w:date="2024-01-01T00:00:00Z">${t('时效')}</w:ins>`)), '<w:ins w:id="2" w:author="a" w:date="2024-01-01T00:00:00Z"/>'),
        ),
      ),
    );
    expect(table.rows).toEqual([[cell(0, 0, '产出指标', 3), cell(0, 1, '数量')], [cell(1, 1, '质量')], [cell(2, 1, '时效')]]);
  });

  it('keeps a continue cell with nothing above it, or with a different width above, as a cell of its own', async () => {
    const table = await onlyTable(
      docxOf(
        tbl(
          3,
          tr(tc(p('孤'), '<w:vMerge/>') + tc(p('宽'), '<w:gridSpan w:val="2"/><w:vMerge w:val="restart"/>')) +
            tr(tc(p('x')) + tc(p('窄'), '<w:vMerge/>') + tc(p('y'))),
        ),
      ),
    );
    expect(table.rows).toEqual([
      [cell(0, 0, '孤'), cell(0, 1, '宽', 1, 2)],
      [cell(1, 0, 'x'), cell(1, 1, '窄'), cell(1, 2, 'y')],
    ]);
  });

  it('shifts columns by gridBefore and merges vertically at the shifted column', async () => {
    const table = await onlyTable(
      docxOf(
        tbl(
          3,
          tr(tc(p('a')) + tc(p('b'), '<w:vMerge w:val="restart"/>') + tc(p('c'))) +
            tr(tc(p(), '<w:vMerge/>') + tc(p('d')), '<w:gridBefore w:val="1"/><w:wBefore w:w="1000" w:type="dxa"/>') +
            tr(tc(p('e')) + tc(p('f')), '<w:gridAfter w:val="1"/>'),
        ),
      ),
    );
    expect(table.rows).toEqual([
      [cell(0, 0, 'a'), cell(0, 1, 'b', 2), cell(0, 2, 'c')],
      [cell(1, 2, 'd')],
      [cell(2, 0, 'e'), cell(2, 1, 'f')],
    ]);
  });

  it('drops a tracked-deleted row, also inside a vertical merge', async () => {
    const table = await onlyTable(
      docxOf(
        tbl(
          2,
          tr(tc(p('合'), '<w:vMerge w:val="restart"/>') + tc(p('1'))) +
            tr(tc(p(), '<w:vMerge/>') + tc(p(`<w:del w:id="1" w:author="a"><w:r><w:delText>2</w:delText></w:r></w:del>`)), '<w:del w:id="2" w:author="a"/>') +
            tr(tc(p(), '<w:vMerge/>') + tc(p('3'))) +
            tr(tc(p('末')) + tc(p('4')), '<w:trPrChange w:id="3" w:author="a"><w:trPr><w:del w:id="4" w:author="a"/></w:trPr></w:trPrChange>'),
        ),
      ),
    );
    expect(table).toEqual({
      type: 'table',
      gridColumns: 2,
      rows: [[cell(0, 0, '合', 2), cell(0, 1, '1')], [cell(1, 1, '3')], [cell(2, 0, '末'), cell(2, 1, '4')]],
      headerRows: [false, false, false],
    });
  });

  it('turns old-style hMerge into a column span', async () => {
    const table = await onlyTable(
      docxOf(
        tbl(3, tr(tc(p('横'), '<w:hMerge w:val="restart"/>') + tc(p(), '<w:hMerge/>') + tc(p('z'))) + tr(tc(p('a')) + tc(p('b')) + tc(p('c')))),
      ),
    );
    expect(table.rows).toEqual([
      [cell(0, 0, '横', 1, 2), cell(0, 2, 'z')],
      [cell(1, 0, 'a'), cell(1, 1, 'b'), cell(1, 2, 'c')],
    ]);
  });

  it('flags a nested table and leaves its text out of the cell', async () => {
    const table = await onlyTable(docxOf(tbl(1, tr(tc(p('外') + tbl(1, tr(tc(p('内')))) + p())))));
    expect(table.rows).toEqual([[{ ...cell(0, 0, '外\n'), nestedTable: true }]]);
  });

  it('looks through content controls around rows, cells and cell content', async () => {
    const sdt = (content: string, pr = '<w:alias w:val="x"/>') => `<w:sdt><w:sdtPr>${pr}</w:sdtPr><w:sdtContent>${content}</w:sdtContent></w:sdt>`;
    const table = await onlyTable(
      docxOf(
        tbl(
          2,
          tr(sdt(tc(p('单元格控件'))) + tc(sdt(p('块控件')))) +
            sdt(tr(tc(p(sdt(t('行内控件')))) + tc(p('重复节')))) +
            tr(tc(sdt(p('单击此处输入文字。'), '<w:showingPlcHdr/>')) + tc(p(sdt(t('单击或点击此处输入日期。'), '<w:showingPlcHdr/><w:date/>')))),
        ),
      ),
    );
    expect(table.rows).toEqual([
      [cell(0, 0, '单元格控件'), cell(0, 1, '块控件')],
      [cell(1, 0, '行内控件'), cell(1, 1, '重复节')],
      // A control still showing its prompt: no data, but the page prints the prompt, so it is named.
      [
        { ...cell(2, 0, ''), unreadable: ['这里是内容控件的提示文字「单击此处输入文字。」（还没有填写，但会印出来），无法读取。请填写这一栏，或删去提示文字'] },
        { ...cell(2, 1, ''), unreadable: ['这里是内容控件的提示文字「单击或点击此处输入日期。」（还没有填写，但会印出来），无法读取。请填写这一栏，或删去提示文字'] },
      ],
    ]);
  });

  // How fast is npm run bench's business (tests assert behaviour, not timings).
  it('reads a table of 10,000 rows as Word writes them (about 30 MB of XML)', async () => {
    // Word repeats the run properties on every run and paragraph mark: that is most of the bytes.
    const rPr = '<w:rPr><w:rFonts w:ascii="宋体" w:hAnsi="宋体" w:eastAsia="宋体"/><w:sz w:val="21"/><w:szCs w:val="21"/></w:rPr>';
    const wordCell = (text: string) =>
      tc(
        `<w:p w:rsidR="00A1B2C3" w:rsidRDefault="00A1B2C3"><w:pPr><w:jc w:val="center"/>${rPr}</w:pPr>` +
          `<w:r>${rPr}<w:t>${text}</w:t></w:r><w:proofErr w:type="spellStart"/><w:r>${rPr}<w:t>文字</w:t></w:r></w:p>`,
        '<w:tcW w:w="2000" w:type="dxa"/><w:vAlign w:val="center"/>',
      );
    const row = tr(['序号', '名称', '金额', '备注', '其他'].map(wordCell).join(''), '<w:trHeight w:val="400"/>');
    const bytes = docxOf(tbl(5, row.repeat(10_000)));
    const table = await onlyTable(bytes);
    expect(table.rows).toHaveLength(10_000);
    expect(table.rows[9_999]).toEqual(['序号', '名称', '金额', '备注', '其他'].map((text, col) => cell(9_999, col, `${text}文字`)));
  });
});

describe('text as accepted', () => {
  it('joins runs split by the spell checker and by formatting', async () => {
    expect(
      await bodyText(
        `<w:p><w:pPr><w:rPr><w:b/></w:rPr></w:pPr><w:proofErr w:type="spellStart"/><w:r><w:rPr><w:b/></w:rPr><w:t>上海</w:t></w:r>` +
          `<w:r><w:t xml:space="preserve">市 </w:t></w:r><w:proofErr w:type="spellEnd"/><w:bookmarkStart w:id="0" w:name="a"/><w:r><w:rPr><w:i/></w:rPr><w:t>闵行区</w:t></w:r><w:bookmarkEnd w:id="0"/></w:p>`,
      ),
    ).toBe('上海市 闵行区');
  });

  it('reads breaks, tabs and hyphens, and joins the paragraphs of a cell with newlines', async () => {
    const table = await onlyTable(
      docxOf(
        tbl(
          1,
          tr(
            tc(
              p(`<w:r><w:t>一</w:t><w:br/><w:t>二</w:t><w:br w:type="textWrapping"/><w:t>三</w:t><w:br w:type="page"/><w:br w:type="column"/><w:cr/></w:r>`) +
                p(`<w:r><w:tab/><w:t>A</w:t><w:noBreakHyphen/><w:t>B</w:t><w:softHyphen/><w:t>C</w:t></w:r>`) +
                p() +
                p('  末  '),
            ),
          ),
        ),
      ),
    );
    expect(table.rows[0]![0]!.text).toBe('一\n二\n三\n\n\tA-BC\n\n  末  ');
  });

  it('reads tracked insertions and moves-to, skips deletions, moves-from, comments and property changes', async () => {
    expect(
      await bodyText(
        p(
          t('原文'),
          `<w:ins w:id="1" w:author="a"><w:r><w:t>插入</w:t></w:r></w:ins>`,
          `<w:del w:id="2" w:author="a"><w:r><w:delText>删除</w:delText></w:r></w:del>`,
          `<w:moveFrom w:id="3" w:author="a"><w:r><w:t>移走</w:t></w:r></w:moveFrom>`,
          `<w:moveTo w:id="4" w:author="a"><w:r><w:t>移来</w:t></w:r></w:moveTo>`,
          `<w:commentRangeStart w:id="5"/><w:r><w:rPr><w:rPrChange w:id="6" w:author="a"><w:rPr><w:b/></w:rPr></w:rPrChange></w:rPr><w:t>批注</w:t></w:r><w:commentRangeEnd w:id="5"/>`,
          `<w:r><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr><w:commentReference w:id="5"/></w:r>`,
        ),
      ),
    ).toBe('原文插入移来批注');
  });

  it('joins a paragraph whose mark is deleted with the next one', async () => {
    const deletedMark = (runs: string) => `<w:p><w:pPr><w:rPr><w:del w:id="1" w:author="a"/></w:rPr></w:pPr>${runs}</w:p>`;
    const { blocks } = await readDocx(
      docxOf(
        deletedMark(t('前半')) +
          p('后半') +
          // A paragraph deleted whole (its text and its mark) leaves nothing behind.
          deletedMark(`<w:del w:id="2" w:author="a"><w:r><w:delText>整段删除</w:delText></w:r></w:del>`) +
          p('下一段') +
          tbl(1, tr(tc(deletedMark(t('格')) + p('内') + p('第二行')))),
      ),
    );
    expect(blocks).toEqual([
      { type: 'paragraph', text: '前半后半' },
      { type: 'paragraph', text: '下一段' },
      { type: 'table', gridColumns: 1, rows: [[cell(0, 0, '格内\n第二行')]], headerRows: [false] },
    ]);
  });

  it('reads hyperlinks, smart tags, custom XML and bidi wrappers', async () => {
    expect(
      await bodyText(
        p(
          `<w:hyperlink r:id="rId9" w:history="1"><w:r><w:rPr><w:rStyle w:val="Hyperlink"/></w:rPr><w:t>https://example.cn</w:t></w:r></w:hyperlink>`,
          `<w:smartTag w:uri="u" w:element="place">${t(' 中国')}</w:smartTag>`,
          `<w:customXml w:element="x">${t('·')}</w:customXml>`,
          `<w:dir w:val="rtl">${t('A')}</w:dir><w:bdo w:val="ltr">${t('B')}</w:bdo>`,
        ),
      ),
    ).toBe('https://example.cn 中国·AB');
  });

  it('keeps the result of fields and skips their codes', async () => {
    expect(
      await bodyText(
        p(
          `<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> DATE \\@ "yyyy年M月d日" </w:instrText></w:r>`,
          `<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>2024年1月2日</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>`,
          `<w:fldSimple w:instr=" PAGE ">${t('，第3页')}</w:fldSimple>`,
          `<w:del w:id="1" w:author="a"><w:r><w:delInstrText>OLD</w:delInstrText></w:r></w:del>`,
        ),
      ),
    ).toBe('2024年1月2日，第3页');
  });

  it('reads one branch of mc:AlternateContent, and marks a drawing (a text box) with U+FFFC', async () => {
    expect(
      await bodyText(
        p(
          t('勾选：'),
          `<mc:AlternateContent><mc:Choice Requires="w14"><w:r><w:t>☒</w:t></w:r></mc:Choice><mc:Fallback><w:r><w:t>[x]</w:t></w:r></mc:Fallback></mc:AlternateContent>`,
          `<w:r><w:drawing><w:inline><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></w:inline></w:drawing></w:r>`,
        ),
      ),
    ).toBe('勾选：☒\uFFFC');
  });

  it('leaves out hidden text and the pinyin of 拼音指南; marks an equation with U+FFFC', async () => {
    const hidden = '<w:r><w:rPr><w:vanish/></w:rPr><w:t>（内部备注）</w:t></w:r>';
    const shown = '<w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t>以上</w:t></w:r>';
    const ruby =
      '<w:r><w:ruby><w:rubyPr><w:rubyAlign w:val="center"/></w:rubyPr><w:rt><w:r><w:t>pīn</w:t></w:r></w:rt><w:rubyBase><w:r><w:t>拼</w:t></w:r></w:rubyBase></w:ruby></w:r>';
    const math = '<m:oMath xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math"><m:r><m:t>10%</m:t></m:r></m:oMath>';
    expect(await bodyText(p(t('增长'), hidden, ruby, math, shown))).toBe('增长拼\uFFFC以上');
  });

  it('shows check-box symbols and legacy check-box fields as boxes', async () => {
    const checkBox = (inner: string) =>
      `<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="C1"/><w:checkBox><w:sizeAuto/>${inner}</w:checkBox></w:ffData></w:fldChar></w:r>` +
      `<w:r><w:instrText>FORMCHECKBOX</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>`;
    expect(
      await bodyText(
        p(
          `<w:r><w:sym w:font="Wingdings 2" w:char="F052"/><w:t>是</w:t><w:sym w:font="Wingdings 2" w:char="00A3"/><w:t>否</w:t><w:sym w:font="Wingdings" w:char="F0FE"/></w:r>`,
          checkBox('<w:default w:val="0"/><w:checked/>'),
          checkBox('<w:default w:val="1"/>'),
          checkBox('<w:default w:val="0"/>'),
        ),
      ),
    ).toBe('☑是□否☑☒☒☐');
  });

  it('reads content controls and custom XML at body level, and ignores the section properties', async () => {
    const { blocks } = await readDocx(
      docxOf(
        `<w:sdt><w:sdtPr><w:tag w:val="单位"/></w:sdtPr><w:sdtContent>${p('控件内')}${tbl(1, tr(tc(p('表'))))}</w:sdtContent></w:sdt>` +
          `<w:customXml w:element="x">${p('自定义')}</w:customXml>` +
          `<w:p><w:pPr><w:sectPr/></w:pPr></w:p>`,
      ),
    );
    expect(blocks).toEqual([
      { type: 'paragraph', text: '控件内' },
      { type: 'table', gridColumns: 1, rows: [[cell(0, 0, '表')]], headerRows: [false] },
      { type: 'paragraph', text: '自定义' },
      { type: 'paragraph', text: '' },
    ]);
  });

  it('matches elements by namespace, not prefix, including strict OOXML', async () => {
    const strict = 'xmlns:x="http://purl.oclc.org/ooxml/wordprocessingml/main"';
    const body = `<x:p><x:r><x:t>严格</x:t></x:r></x:p><x:tbl><x:tblGrid><x:gridCol/><x:gridCol/></x:tblGrid><x:tr><x:tc><x:tcPr><x:gridSpan x:val="2"/></x:tcPr><x:p/></x:tc></x:tr></x:tbl>`;
    const { blocks } = await readDocx(docxOf('', { 'word/document.xml': documentXml(body, strict, 'x') }));
    expect(blocks).toEqual([
      { type: 'paragraph', text: '严格' },
      { type: 'table', gridColumns: 2, rows: [[cell(0, 0, '', 1, 2)]], headerRows: [false] },
    ]);
  });

  it('finds the main document through the package relationships (Word Online writes document2.xml)', async () => {
    const rels =
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/word/document2.xml"/>' +
      '</Relationships>';
    const bytes = docxOf('', { '_rels/.rels': rels, 'word/document.xml': null, 'word/document2.xml': documentXml(p('在线版')) });
    expect((await readDocx(bytes)).blocks).toEqual([{ type: 'paragraph', text: '在线版' }]);
    // A relationship to a part the package lacks falls back to the usual name.
    const dangling = docxOf(p('常规'), { '_rels/.rels': rels.replace('document2.xml', 'missing.xml') });
    expect((await readDocx(dangling)).blocks).toEqual([{ type: 'paragraph', text: '常规' }]);
  });
});

describe('XML as Word and other programs write it', () => {
  it('decodes references, CDATA and comments, and reads CRLF line ends as newlines', async () => {
    const body = p(`<w:r><w:t>&lt;a&gt; &amp; &quot;&apos; &#x4E2D;&#25991;</w:t><!-- 注释 <w:t>no</w:t> --><w:t><![CDATA[<b>&amp;]]></w:t><w:t xml:space="preserve">x\r\ny</w:t></w:r>`);
    expect(await bodyText(body.replace(/><w:/g, '>\r\n<w:'))).toBe('<a> & "\' 中文<b>&amp;x\ny');
  });

  it('reads a UTF-16 part with a byte order mark', async () => {
    const xml = documentXml(p('双字节')).replace('encoding="UTF-8"', 'encoding="UTF-16"');
    const bytes = zipSync({ 'word/document.xml': new Uint8Array(Buffer.from(`\uFEFF${xml}`, 'utf16le')) });
    expect((await readDocx(bytes)).blocks).toEqual([{ type: 'paragraph', text: '双字节' }]);
  });

  it('keeps a property named __proto__ as a plain property', async () => {
    const custom =
      '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">' +
      '<property name="__proto__"><vt:lpwstr>x</vt:lpwstr></property></Properties>';
    const props = (await readDocx(docxOf(p('x'), { 'docProps/custom.xml': custom }))).custom;
    expect(Object.getPrototypeOf(props)).toBe(Object.prototype);
    expect(Object.entries(props)).toEqual([['__proto__', 'x']]);
  });

  const broken = async (body: string) => {
    try {
      await readDocx(docxOf('', { 'word/document.xml': body }), 'a.docx');
    } catch (error) {
      expect(error).toBeInstanceOf(UserError);
      return (error as Error).message.replace(/^Word 文件 a\.docx 已损坏：其中的 word\/document\.xml 不是有效的 XML（(.*)）。请用 Word 打开后重新保存再试$/, '$1');
    }
    throw new Error('expected a UserError');
  };

  it.each([
    ['a DTD', `<!DOCTYPE x [<!ENTITY a "aaaa">]>\n${documentXml(p('&a;'))}`, '第 1 行：含有 DOCTYPE（Word 文件不会有，不予读取）'],
    ['an unknown entity', documentXml(p('&nbsp;')), '第 1 行：“&”后面不是有效的实体引用：&nbsp;'],
    ['an invalid character reference', documentXml(p('&#0;')), '第 1 行：无效的字符引用 &#0;'],
    ['an undeclared prefix', documentXml('<x:p/>'), '第 1 行：名称 x:p 的前缀 x 没有声明命名空间'],
    ['a second root element', `${documentXml('')}\n<x/>`, '第 2 行：有不止一个根元素'],
    ['text after the root', `${documentXml('')}\n文字`, '第 2 行：根元素之外有文字'],
    ['a stray end tag', documentXml('</w:p>'), '第 1 行：结束标签 </w:p> 与开始标签 <w:body> 不匹配'],
    ['an unclosed start tag', documentXml('<w:p'), '第 1 行：标签写法有误（标签名无效、属性写法有误或没有“>”）'],
    ['a cut-off file', documentXml(p('x')).replace('</w:body></w:document>', ''), '第 1 行：元素 <w:body> 没有结束标签（文件可能不完整）'],
    [
      'a duplicate attribute the reader looks at',
      documentXml(`\n${tbl(2, tr(tc(p('x'), '<w:gridSpan w:val="2" w:val="3"/>')))}`),
      '第 2 行：属性 w:val 重复',
    ],
  ])('refuses %s', async (_, xml, message) => {
    expect(await broken(xml)).toBe(message);
  });
});

describe('document properties', () => {
  it('reads core.xml by local name and custom.xml by property name', async () => {
    const core =
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ' +
      'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
      '<dc:title>项目支出绩效目标申报表</dc:title><dc:subject>2024 年度</dc:subject><dc:creator>张三</dc:creator>' +
      '<dcterms:created xsi:type="dcterms:W3CDTF">2024-01-02T03:04:05Z</dcterms:created></cp:coreProperties>';
    const custom =
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">' +
      '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="单位"><vt:lpwstr>上海市闵行区财政局</vt:lpwstr></property>' +
      '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="3" name="版本"><vt:i4>3</vt:i4></property></Properties>';
    expect(await readDocx(docxOf(p('x'), { 'docProps/core.xml': core, 'docProps/custom.xml': custom }))).toEqual({
      blocks: [{ type: 'paragraph', text: 'x' }],
      core: { title: '项目支出绩效目标申报表', subject: '2024 年度', creator: '张三', created: '2024-01-02T03:04:05Z' },
      custom: { 单位: '上海市闵行区财政局', 版本: '3' },
    });
  });
});

describe('unreadable files', () => {
  const failure = async (run: () => unknown): Promise<UserError> => {
    try {
      await run();
    } catch (error) {
      expect(error).toBeInstanceOf(UserError);
      return error as UserError;
    }
    throw new Error('expected a UserError');
  };

  it('refuses a file that is not a zip', async () => {
    const bytes = strToU8('%PDF-1.7 not a word file');
    expect((await failure(() => readDocx(bytes, '申报表.pdf'))).message).toBe('不是 Word 文件（.docx）：申报表.pdf');
    expect((await failure(() => readDocx(bytes))).message).toBe('不是 Word 文件（.docx）');
    expect((await failure(() => readDocx(new Uint8Array(0), 'a.docx'))).message).toBe('不是 Word 文件（.docx）：a.docx');
  });

  it('says what an old .doc (or a password-protected .docx) is', async () => {
    const ole = new Uint8Array(1024);
    ole.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    expect((await failure(() => readDocx(ole, '旧.doc'))).message).toBe(
      '不是 Word 文件（.docx）：旧.doc。它可能是旧版的 .doc 文件或设了打开密码的文件：请用 Word 打开它，去掉密码后另存为 .docx 再试',
    );
  });

  it('refuses a zip without word/document.xml', async () => {
    const zip = zipSync({ 'xl/workbook.xml': strToU8('<workbook/>') });
    expect((await failure(() => readDocx(zip, '表.xlsx'))).message).toBe('不是 Word 文件（.docx）：表.xlsx（压缩包中没有 word/document.xml）');
    expect((await failure(() => readDocx(zip))).message).toBe('不是 Word 文件（.docx）：压缩包中没有 word/document.xml');
  });

  it('refuses a truncated zip as damaged', async () => {
    const bytes = docxOf(p('x'));
    expect((await failure(() => readDocx(bytes.subarray(0, bytes.length - 30), '半.docx'))).message).toBe(
      'Word 文件 半.docx 已损坏或不完整（找不到压缩包的目录）：请用 Word 打开后重新保存，或重新复制、下载这个文件',
    );
  });

  it('refuses XML that does not parse', async () => {
    const bytes = docxOf('', { 'word/document.xml': documentXml('<w:p><w:r><w:t>x</w:r></w:p>') });
    expect((await failure(() => readDocx(bytes, '坏.docx'))).message).toBe(
      'Word 文件 坏.docx 已损坏：其中的 word/document.xml 不是有效的 XML（第 1 行：结束标签 </w:r> 与开始标签 <w:t> 不匹配）。请用 Word 打开后重新保存再试',
    );
    const core = docxOf(p('x'), { 'docProps/core.xml': '<?xml version="1.0"?>\n<cp:coreProperties xmlns:cp="urn:x">\n<cp:title>' });
    expect((await failure(() => readDocx(core))).message).toBe(
      'Word 文件已损坏：其中的 docProps/core.xml 不是有效的 XML（第 3 行：元素 <cp:title> 没有结束标签（文件可能不完整））。请用 Word 打开后重新保存再试',
    );
  });

  it('refuses a document part that is not a Word body', async () => {
    const bytes = docxOf('', { 'word/document.xml': '<document><body/></document>' });
    expect((await failure(() => readDocx(bytes, 'x.docx'))).message).toBe(
      'Word 文件 x.docx 已损坏或不是 Word 正文：word/document.xml 中没有正文（w:body）',
    );
  });

  it('refuses a document.xml that would inflate past 64 MB, without inflating it', async () => {
    const bytes = docxOf(p('x'));
    // Declare 300 MB in the central directory entry of word/document.xml.
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const name = strToU8('word/document.xml');
    let patched = false;
    for (let at = 0; at + 46 < bytes.length; at++) {
      if (view.getUint32(at, true) !== 0x02014b50) continue;
      const nameLength = view.getUint16(at + 28, true);
      if (nameLength === name.length && name.every((byte, i) => bytes[at + 46 + i] === byte)) {
        view.setUint32(at + 24, 300 * 1024 * 1024, true);
        patched = true;
      }
    }
    expect(patched).toBe(true);
    expect((await failure(() => readDocx(bytes, '炸弹.docx'))).message).toBe(
      'Word 文件 炸弹.docx 的 word/document.xml 解压后有 300 MB，超过 64 MB 的上限，不能读取（文件可能已损坏，或不是正常的 Word 文件）',
    );
  });
});

describe('documents written by the docx package', () => {
  it('reads back rowSpan and columnSpan cells with their text', async () => {
    const text = (value: string) => new Paragraph({ children: [new TextRun(value)] });
    const document = new Document({
      title: '往返',
      sections: [
        {
          children: [
            new Paragraph('前言'),
            new Table({
              columnWidths: [2000, 2000, 2000],
              rows: [
                new TableRow({
                  tableHeader: true,
                  children: [new TableCell({ children: [text('一级指标')], rowSpan: 2 }), new TableCell({ children: [text('二级'), text('指标')], columnSpan: 2 })],
                }),
                new TableRow({ children: [new TableCell({ children: [text('b')] }), new TableCell({ children: [text('c')] })] }),
                new TableRow({ children: [new TableCell({ children: [text('合并')], columnSpan: 2, rowSpan: 2 }), new TableCell({ children: [text('d')] })] }),
                new TableRow({ children: [new TableCell({ children: [text('e')] })] }),
              ],
            }),
          ],
        },
      ],
    });
    const bytes = new Uint8Array(await Packer.toBuffer(document));
    const content = await readDocx(bytes, '往返.docx');
    expect(content.core.title).toBe('往返');
    expect(content.blocks).toEqual([
      { type: 'paragraph', text: '前言' },
      {
        type: 'table',
        gridColumns: 3,
        rows: [
          [cell(0, 0, '一级指标', 2), cell(0, 1, '二级\n指标', 1, 2)],
          [cell(1, 1, 'b'), cell(1, 2, 'c')],
          [cell(2, 0, '合并', 2, 2), cell(2, 2, 'd')],
          [cell(3, 2, 'e')],
        ],
        headerRows: [true, false, false, false],
      },
    ]);
  });
});
