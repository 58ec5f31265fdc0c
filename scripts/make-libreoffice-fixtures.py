#!/usr/bin/python3
"""Remake test/fixtures/libreoffice/distinct-NN-*.docx: form 1 of test/fixtures/distinct.json
(01-社区睦邻学堂运营.docx, built with --date 2023-01-01) edited the way a department edits it in
LibreOffice, through LibreOffice's own API (UNO), and saved by LibreOffice as Word 2007-365 .docx.
test/libreoffice-edits.test.ts asserts what `extract` reads from each; the README in the fixtures
folder says how each was made and what the page shows.

    npm run build && /usr/bin/python3 scripts/make-libreoffice-fixtures.py [--only NN] [--out DIR]

Needs LibreOffice (soffice) and python3-uno (Debian: apt-get install libreoffice-writer
python3-uno); made with LibreOffice 7.4.7.2. It starts its own headless soffice (a fresh profile in
a temporary folder, port 2083) and stops it at the end.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile

import uno
from com.sun.star.beans import PropertyValue

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, 'test', 'fixtures', 'libreoffice')
FORM = '01-社区睦邻学堂运营.docx'
PORT = 2083

GOAL = '全年开设睦邻学堂课程，覆盖辖区全部居民区，提升居民参与社区公共事务的积极性。'

# com.sun.star.awt.FontStrikeout
SINGLE, DOUBLE = 1, 2
PARAGRAPH_BREAK = 0  # com.sun.star.text.ControlCharacter


def pv(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def NT(name):
    return uno.getConstantByName('com.sun.star.style.NumberingType.' + name)


# ------------------------------------------------------------------------------------------------
# Finding and editing cells


def cells(doc):
    for ti in range(doc.TextTables.Count):
        table = doc.TextTables.getByIndex(ti)
        for name in table.CellNames:
            yield table, name, table.getCellByName(name)


def cell(doc, text):
    """The one cell whose text is `text`."""
    found = [c for _, _, c in cells(doc) if c.String == text]
    if len(found) != 1:
        raise SystemExit('cell %r found %d times' % (text, len(found)))
    return found[0]


def select(c, start, length):
    cursor = c.Text.createTextCursorByRange(c.Text.Start)
    cursor.goRight(start, False)
    cursor.goRight(length, True)
    return cursor


def at_end(c):
    return c.Text.createTextCursorByRange(c.Text.End)


def set_text(c, text):
    cursor = c.Text.createTextCursor()
    cursor.gotoStart(False)
    cursor.gotoEnd(True)
    cursor.setString(text)


def append(c, text, **props):
    """Type `text` at the end of the cell, with these character properties (typed text takes the
    formatting of the text before it, as in LibreOffice: a struck word's successor is struck too)."""
    start = len(c.String)
    c.Text.insertString(at_end(c), text, False)
    typed = select(c, start, len(text))
    for key, value in props.items():
        setattr(typed, key, value)
    return typed


def new_paragraph(c, text):
    c.Text.insertControlCharacter(at_end(c), PARAGRAPH_BREAK, False)
    c.Text.insertString(at_end(c), text, False)
    return paragraphs(c)[-1]


def paragraphs(c):
    found = []
    e = c.Text.createEnumeration()
    while e.hasMoreElements():
        found.append(e.nextElement())
    return found


def lines(c, parts):
    """The cell's text replaced by one paragraph per part."""
    set_text(c, parts[0])
    for part in parts[1:]:
        new_paragraph(c, part)
    return paragraphs(c)


def char_style(doc, name, **props):
    style = doc.createInstance('com.sun.star.style.CharacterStyle')
    doc.StyleFamilies.getByName('CharacterStyles').insertByName(name, style)
    for key, value in props.items():
        setattr(style, key, value)
    return style


def para_style(doc, name, **props):
    style = doc.createInstance('com.sun.star.style.ParagraphStyle')
    doc.StyleFamilies.getByName('ParagraphStyles').insertByName(name, style)
    style.ParentStyle = 'Standard'
    for key, value in props.items():
        setattr(style, key, value)
    return style


def numbering(doc, levels):
    """Numbering rules (what Format → Bullets and Numbering sets on the selected paragraphs)."""
    rules = doc.createInstance('com.sun.star.text.NumberingRules')
    for level, props in levels.items():
        current = list(rules.getByIndex(level))
        names = [p.Name for p in current]
        for key, value in props.items():
            if key in names:
                current[names.index(key)] = pv(key, value)
            else:
                current.append(pv(key, value))
        uno.invoke(rules, 'replaceByIndex', (level, uno.Any('[]com.sun.star.beans.PropertyValue', tuple(current))))
    return rules


def date_format(doc, code='YYYY-MM-DD'):
    formats = doc.NumberFormats
    locale = uno.createUnoStruct('com.sun.star.lang.Locale')
    key = formats.queryKey(code, locale, False)
    return key if key != -1 else formats.addNew(code, locale)


# ------------------------------------------------------------------------------------------------
# The edits, one fixture each


def strike(doc):
    # Format → Character → Font Effects → Strikethrough on the old number, the new one typed after it.
    c = cell(doc, '≥120(场)')
    old = select(c, 1, 3)
    old.CharStrikeout = SINGLE
    c.Text.insertString(c.Text.createTextCursorByRange(old.End), '150', False)
    select(c, 4, 3).CharStrikeout = 0
    # A character style that strikes through («作废»), applied to the old number.
    char_style(doc, '作废', CharStrikeout=SINGLE)
    c = cell(doc, '≥2600(人)')
    old = select(c, 1, 4)
    old.CharStyleName = '作废'
    c.Text.insertString(c.Text.createTextCursorByRange(old.End), '2800', False)
    select(c, 5, 4).CharStyleName = 'Standard'
    # A paragraph style with double strikethrough («旧文») on the old name; the new name in a new
    # paragraph of the default style.
    para_style(doc, '旧文', CharStrikeout=DOUBLE)
    c = cell(doc, '课程评估优良率')
    paragraphs(c)[0].ParaStyleName = '旧文'
    new_paragraph(c, '课程优良率').ParaStyleName = 'Standard'
    # A whole indicator struck through: its 三级指标 and its 指标值.
    for text in ('季度课表发布时限', '每季度首月10日前'):
        c = cell(doc, text)
        select(c, 0, len(text)).CharStrikeout = SINGLE


def numbered(doc):
    # 年度总体目标 in two levels of Chinese numbering: 一、 and （一）.
    rules = numbering(doc, {
        0: dict(NumberingType=NT('NUMBER_LOWER_ZH'), ListFormat='%1%、'),
        1: dict(NumberingType=NT('NUMBER_LOWER_ZH'), ListFormat='（%2%）'),
    })
    ps = lines(cell(doc, GOAL), ['开设睦邻学堂课程', '每月开课', '覆盖辖区全部居民区', '提升居民参与积极性'])
    for i, p in enumerate(ps):
        p.NumberingRules = rules
        if i == 1:
            p.NumberingLevel = 1
    # Three 三级指标 cells given the list style «Numbering 123»: one list across cells.
    for text in ('睦邻学堂开课场次', '学员满意度', '居委干部满意度'):
        paragraphs(cell(doc, text))[0].NumberingStyleName = 'Numbering 123'


def restart(doc):
    # «Numbering 123» on five paragraphs, and List → Restart Numbering on the fourth.
    ps = lines(cell(doc, GOAL), ['总目标甲', '分项一', '分项二', '总目标乙', '分项三'])
    for p in ps:
        p.NumberingStyleName = 'Numbering 123'
    ps[3].ParaIsNumberingRestart = True


def zero_padded(doc):
    # Bullets and Numbering → Number: 001, 002, 003, …
    rules = numbering(doc, {0: dict(NumberingType=NT('ARABIC_ZERO3'), ListFormat='%1%.')})
    for p in lines(cell(doc, GOAL), ['开设睦邻学堂课程', '覆盖辖区全部居民区', '提升居民参与积极性']):
        p.NumberingRules = rules


def label_caps(doc):
    # Numbering a), b), c) whose character style («编号大写») sets Font Effects → Case: UPPERCASE.
    char_style(doc, '编号大写', CharCaseMap=1)
    rules = numbering(doc, {0: dict(NumberingType=NT('CHARS_LOWER_LETTER'), ListFormat='%1%)', CharStyleName='编号大写')})
    for p in lines(cell(doc, GOAL), ['开设睦邻学堂课程', '覆盖辖区全部居民区', '提升居民参与积极性']):
        p.NumberingRules = rules


def looks(doc):
    # Hidden text: a remark hidden by a character style («隐藏»), a paragraph hidden by its style («隐藏段»).
    char_style(doc, '隐藏', CharHidden=True)
    append(cell(doc, '提高'), '（内部备注）', CharStyleName='隐藏')
    para_style(doc, '隐藏段', CharHidden=True)
    new_paragraph(cell(doc, '居民参与公共事务比例'), '内部备注：按季度统计').ParaStyleName = '隐藏段'
    # Insert → Special Character from the Symbol font: ≥ as LibreOffice inserts it (U+F0B3), and ≤
    # at its Symbol code (U+00B3 in a Symbol run).
    c = cell(doc, '≥85(%)')
    set_text(c, '')
    append(c, '\uf0b3', CharFontName='Symbol', CharFontCharSet=2)
    append(c, '90(%)', CharFontName='Times New Roman', CharFontCharSet=0)
    c = cell(doc, '≥88(%)')
    set_text(c, '')
    append(c, '\u00a3', CharFontName='Symbol', CharFontCharSet=2)
    append(c, '5(%)', CharFontName='Times New Roman', CharFontCharSet=0)
    # Case: UPPERCASE and Small capitals on Latin words.
    c = cell(doc, '学员满意度')
    set_text(c, 'app 用户满意度')
    select(c, 0, 3).CharCaseMap = 1
    c = cell(doc, '居委干部满意度')
    set_text(c, '居委干部满意度（sms 回访）')
    select(c, 8, 3).CharCaseMap = 4
    # Superscript (Format → Character → Position → Superscript, automatic): m² typed as m2.
    c = cell(doc, '≥120(场)')
    set_text(c, '≥1200(m2)')
    raised = select(c, 7, 1)
    raised.CharEscapement = 14000  # automatic
    raised.CharEscapementHeight = 58


def raised_position(doc):
    # 10⁵ typed as 105, the 5 raised by Format → Character → Position: Superscript, raise 40 %,
    # relative size 50 % (LibreOffice saves it as w:position and w:sz, not as superscript).
    c = cell(doc, '≥2600(人)')
    set_text(c, '≥105(人次)')
    raised = select(c, 3, 1)
    raised.CharEscapement = 40
    raised.CharEscapementHeight = 50


def date_fields(doc):
    # Insert → Field → Date in 计划开始日期 (not fixed: it shows the day it is opened or printed),
    # and a fixed date in 计划完成日期.
    for text, fixed in (('2024-02-15', False), ('2024-11-20', True)):
        c = cell(doc, text)
        set_text(c, '')
        field = doc.createInstance('com.sun.star.text.TextField.DateTime')
        field.IsDate = True
        field.IsFixed = fixed
        if fixed:
            when = uno.createUnoStruct('com.sun.star.util.DateTime')
            when.Year, when.Month, when.Day = 2024, 11, 20
            field.DateTimeValue = when
        field.NumberFormat = date_format(doc)
        c.Text.insertTextContent(at_end(c), field, False)


def date_saved_on(day):
    """The file as if saved on `day`: LibreOffice writes a date field's value of the day of saving."""
    def patch(xml):
        new, count = re.subn(r'(<w:instrText[^>]*> DATE [^<]*</w:instrText>.*?<w:t>)\d{4}-\d{2}-\d{2}(</w:t>)', r'\g<1>%s\2' % day, xml, count=1)
        if count != 1:
            raise SystemExit('no DATE field to date')
        return new
    return patch


def placeholder(doc):
    # Insert → Field → Functions → Placeholder (Text) in the empty 项目总目标 cell: LibreOffice
    # prints the placeholder's text and saves it as a content control showing its placeholder.
    c = doc.TextTables.getByIndex(0).getCellByName('B9')
    if c.String != '':
        raise SystemExit('B9 is not the empty 项目总目标 cell')
    field = doc.createInstance('com.sun.star.text.TextField.JumpEdit')
    field.Hint = '点击填写项目总目标'
    field.PlaceHolder = '三年内建成覆盖全区的睦邻学堂网络'
    field.PlaceHolderType = 0
    c.Text.insertTextContent(at_end(c), field, False)


def split_rows(doc):
    # Table → Split Cells → 2, horizontally, on the 项目类别 value: the table gains a row.
    table = doc.TextTables.getByIndex(0)
    name = [n for t, n, c in cells(doc) if t == table and c.String == '特定目标类'][0]
    table.createCursorByCellName(name).splitRange(1, True)


FIXTURES_MADE = [
    ('01', 'strike', strike, None),
    ('02', 'numbering', numbered, None),
    ('03', 'numbering-restart', restart, None),
    ('04', 'numbering-001', zero_padded, None),
    ('05', 'numbering-label-caps', label_caps, None),
    ('06', 'hidden-symbols-caps', looks, None),
    ('07', 'raised-position', raised_position, None),
    ('08', 'date-field', date_fields, date_saved_on('2024-02-15')),
    ('09', 'placeholder', placeholder, None),
    ('10', 'split-rows', split_rows, None),
]

# ------------------------------------------------------------------------------------------------
# LibreOffice


def start_office(profile):
    office = shutil.which('soffice') or '/usr/bin/soffice'
    process = subprocess.Popen(
        [office, '-env:UserInstallation=' + uno.systemPathToFileUrl(profile), '--headless', '--invisible', '--norestore', '--nologo',
         '--accept=socket,host=localhost,port=%d;urp;' % PORT],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext('com.sun.star.bridge.UnoUrlResolver', local)
    for _ in range(120):
        try:
            context = resolver.resolve('uno:socket,host=localhost,port=%d;urp;StarOffice.ComponentContext' % PORT)
            return process, context.ServiceManager.createInstanceWithContext('com.sun.star.frame.Desktop', context)
        except Exception:
            if process.poll() is not None:
                raise SystemExit('soffice stopped (exit %s)' % process.returncode)
            time.sleep(0.5)
    process.terminate()
    raise SystemExit('soffice did not answer on port %d' % PORT)


def rewrite(path, patch):
    with zipfile.ZipFile(path) as zin:
        items = [(item, zin.read(item.filename)) for item in zin.infolist()]
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as zout:
        for item, data in items:
            if item.filename == 'word/document.xml':
                data = patch(data.decode('utf-8')).encode('utf-8')
            zout.writestr(item, data)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--only', action='append', help='make only fixture NN (repeatable)')
    parser.add_argument('--out', default=FIXTURES, help='folder to write to (default: test/fixtures/libreoffice)')
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix='shenbao-lo-')
    try:
        subprocess.run(['node', os.path.join(ROOT, 'dist', 'cli.js'), 'build', os.path.join(ROOT, 'test', 'fixtures', 'distinct.json'),
                        '-o', work, '--format', 'docx', '--date', '2023-01-01'], check=True, capture_output=True)
        form = os.path.join(work, 'distinct', FORM)
        process, desktop = start_office(os.path.join(work, 'profile'))
        try:
            os.makedirs(args.out, exist_ok=True)
            for number, name, edit, patch in FIXTURES_MADE:
                if args.only and number not in args.only:
                    continue
                doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(form), '_blank', 0, (pv('Hidden', True),))
                edit(doc)
                path = os.path.join(args.out, 'distinct-%s-%s.docx' % (number, name))
                doc.storeToURL(uno.systemPathToFileUrl(path), (pv('FilterName', 'MS Word 2007 XML'),))
                doc.close(True)
                if patch:
                    rewrite(path, patch)
                print(os.path.relpath(path, ROOT))
        finally:
            try:
                desktop.terminate()
            except Exception:
                pass
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.terminate()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
