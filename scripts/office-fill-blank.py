#!/usr/bin/python3
"""A department fills shenbao's blank 申报表 in LibreOffice (npm run check:office).

    /usr/bin/python3 scripts/office-fill-blank.py PIPE BLANK.docx FILLED.docx

Connects through Python UNO (python3-uno) to the LibreOffice listening on the named pipe PIPE
(started by scripts/office-blank.ts), opens BLANK.docx and fills it as a person does in Writer:
types each value into its empty cell after the label (amounts as people type them: 200000,
1,234,567.89, 54321.1), a goal of two paragraphs with Enter between them, the indicators of some
groups (other rows left empty), inserts one row inside a merged group (Table → Insert → Rows,
here XTableRows.insertByIndex) and deletes one empty row; then saves it as Word 2007-365
("MS Word 2007 XML") to FILLED.docx and closes LibreOffice.

What is typed here must read back as EXPECTED in scripts/office-blank.ts: change one without the
other and check:office fails. Prints what it did, one line each; any error exits 1.
"""
import re
import sys

import uno  # noqa: F401 -- its import hook makes com.sun.star importable
from com.sun.star.text.ControlCharacter import PARAGRAPH_BREAK

from office_uno import connect, edit_and_save

# The header fields: typed into the cell right of the label (the nth cell reading it).
HEADER = [
    ('项目名称', 0, '社区图书角建设'),
    ('项目性质', 0, '一次性项目'),
    ('项目类别', 0, '专项业务类'),
    ('主管部门', 0, '上海市某区文化和旅游局'),
    ('实施单位', 0, '上海市某区图书馆'),
    ('计划开始日期', 0, '2024-03-01'),
    ('计划完成日期', 0, '2024-11-30'),
    # The seven amounts, as people type them.
    ('项目资金总额', 0, '3,750,000.50'),
    ('其中：财政资金', 0, '3,600,000'),
    ('其他资金', 0, '150000.5'),
    ('年度资金申请总额', 0, '1488888.99'),
    ('其中：当年财政拨款', 0, '1,234,567.89'),
    ('上年结转资金', 0, '200000'),
    ('其他资金', 1, '54321.1'),
]
# The goals, one paragraph a line (Enter between them).
OVERALL_GOAL = ['三年内在全区建成社区图书角十二个', '形成覆盖各街镇的阅读服务网络']
ANNUAL_GOAL = ['2024年建成图书角并开放借阅']

# The indicator rows typed, per group (二级指标): row k of the group as the blank has it; rows not
# named are left empty. 成本指标, 经济效益指标 stay empty.
INDICATORS = {
    '数量指标': {0: ('新建社区图书角', '≥12(个)'), 1: ('举办阅读活动', '≥24(场)'), 2: ('配备管理志愿者', '≥30(人)')},
    '质量指标': {1: ('图书上架准确率', '≥98(%)')},
    '时效指标': {0: ('图书角建成时间', '2024年6月底前')},
    '社会效益指标': {0: ('服务居民人次', '≥20000(人次)'), 1: ('居民阅读时长', '明显提升')},
    '可持续影响指标': {0: ('图书角持续开放', '长期')},
    '服务对象满意度指标': {1: ('居民满意度', '≥90(%)')},
}
# Inserted after the first row of 数量指标 (inside its merged 一级/二级 cells), then typed into.
INSERTED = ('数量指标', 0, ('新增图书册数', '≥3600(册)'))
# Deleted: the last row of 社会效益指标 (left empty).
DELETED = ('社会效益指标', 2)


def row_of(name):
    """The 0-based row of a cell name (B12 → 11): in a table with merged cells the letter counts
    the row's own cells, the number is still the row."""
    return int(re.match(r'[A-Za-z]+(\d+)$', name).group(1)) - 1


def rows_of(table):
    """Each row's cells (names, left to right), covered cells of a merge left out."""
    rows = {}
    for name in table.getCellNames():
        rows.setdefault(row_of(name), []).append(name)
    return [rows.get(r, []) for r in range(table.getRows().getCount())]


def type_into(cell, lines):
    """Typed at the end of the cell's (empty) text: the lines with Enter between them."""
    cursor = cell.createTextCursor()
    cursor.gotoEnd(False)
    for k, line in enumerate(lines):
        if k > 0:
            cell.insertControlCharacter(cursor, PARAGRAPH_BREAK, False)
        cell.insertString(cursor, line, False)


def groups_of(table):
    """二级指标 → (its label cell, the rows it spans): read from the merged cells, as they are now."""
    groups = {}
    for cells in rows_of(table):
        for name in cells:
            cell = table.getCellByName(name)
            if cell.getString() in INDICATORS or cell.getString() in ('成本指标', '经济效益指标'):
                span = cell.getPropertyValue('RowSpan')
                groups[cell.getString()] = (name, list(range(row_of(name), row_of(name) + span)))
    return groups


def fill(document):
    tables = document.getTextTables()
    if tables.getCount() != 2:
        raise RuntimeError('the blank has %d tables, not 2' % tables.getCount())
    upper, lower = tables.getByIndex(0), tables.getByIndex(1)

    upper_rows = rows_of(upper)
    for label, nth, value in HEADER:
        found = [(cells, k) for cells in upper_rows for k, name in enumerate(cells) if upper.getCellByName(name).getString() == label]
        if len(found) <= nth:
            raise RuntimeError('no label 「%s」 (#%d) in the upper table' % (label, nth + 1))
        cells, k = found[nth]
        type_into(upper.getCellByName(cells[k + 1]), [value])
    # The goals' row is the upper table's last: 项目总目标's value, then 年度总体目标's.
    goals = upper_rows[-1]
    type_into(upper.getCellByName(goals[-2]), OVERALL_GOAL)
    type_into(upper.getCellByName(goals[-1]), ANNUAL_GOAL)
    print('typed %d header values and amounts, the goals (%d and %d paragraphs)' % (len(HEADER), len(OVERALL_GOAL), len(ANNUAL_GOAL)))

    # The rows each group has in the blank, typed where named (name, then target: a row's last two cells).
    lower_rows = rows_of(lower)
    for level2, typed in INDICATORS.items():
        _, rows = groups_of(lower)[level2]
        for k, (name, target) in typed.items():
            cells = lower_rows[rows[k]]
            type_into(lower.getCellByName(cells[-2]), [name])
            type_into(lower.getCellByName(cells[-1]), [target])
    print('typed %d indicators into %d groups, %d groups left empty' % (sum(len(t) for t in INDICATORS.values()), len(INDICATORS), 2))

    # A row inserted inside a group: insertByIndex(i) puts the new row before row i, here between
    # the group's first and second rows, so that it lies within its merged 一级/二级 cells.
    level2, after, (name, target) = INSERTED
    label, rows = groups_of(lower)[level2]
    at = rows[after] + 1
    lower.getRows().insertByIndex(at, 1)
    cells = rows_of(lower)[at]
    type_into(lower.getCellByName(cells[-2]), [name])
    type_into(lower.getCellByName(cells[-1]), [target])
    label_after, rows_after = groups_of(lower)[level2]
    print('inserted row %d of table 2 inside 「%s」 (its cells: %s; 「%s」 now spans rows %d-%d, was %d-%d)' % (
        at + 1, level2, ', '.join(cells), level2, rows_after[0] + 1, rows_after[-1] + 1, rows[0] + 1, rows[-1] + 1))
    if len(rows_after) != len(rows) + 1 or len(cells) != 2:
        raise RuntimeError('LibreOffice did not put the new row inside the merged cells of 「%s」' % level2)

    level2, k = DELETED
    label, rows = groups_of(lower)[level2]
    row = rows[k]
    if any(lower.getCellByName(n).getString() for n in rows_of(lower)[row][-2:]):
        raise RuntimeError('row %d (「%s」 row %d) to be deleted is not empty' % (row + 1, level2, k + 1))
    lower.getRows().removeByIndex(row, 1)
    _, rows_after = groups_of(lower)[level2]
    print('deleted the empty row %d of table 2 (「%s」 row %d; it now spans %d rows, was %d)' % (row + 1, level2, k + 1, len(rows_after), len(rows)))


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    pipe, source, target = sys.argv[1:]
    edit_and_save(connect(pipe), source, target, 'MS Word 2007 XML', fill)


if __name__ == '__main__':
    main()
