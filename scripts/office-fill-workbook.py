#!/usr/bin/python3
"""An office fills shenbao's empty fill-in workbook in LibreOffice Calc (npm run check:office).

    /usr/bin/python3 scripts/office-fill-workbook.py SOFFICE PROFILE_URL EMPTY.xlsx FILLED.xlsx PLAN.json

Starts SOFFICE headless (its own profile PROFILE_URL, its own pipe, its own process group),
connects through Python UNO (python3-uno), opens EMPTY.xlsx and types what PLAN.json says: a list
of [sheet, cell, kind, value], kind "text" (typed as text: setString) or "number" (setValue); then
saves it as Excel 2007-365 ("Calc Office Open XML") to FILLED.xlsx and quits LibreOffice (killed if
it does not). scripts/check-office-xlsx.ts writes the plan and reads FILLED.xlsx back. Prints what
it did, one line each; any error exits 1.
"""
import json
import os
import signal
import subprocess
import sys

from office_uno import connect, edit_and_save


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    soffice, profile, source, target, plan_file = sys.argv[1:]
    with open(plan_file, encoding='utf-8') as f:
        plan = json.load(f)
    pipe = 'shenbao-xlsx-%d' % os.getpid()
    office = subprocess.Popen(
        [soffice, '-env:UserInstallation=' + profile, '--headless', '--invisible', '--nologo', '--norestore', '--nodefault', '--nolockcheck', '--accept=pipe,name=%s;urp;' % pipe],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        def type_plan(document):
            sheets = document.getSheets()
            typed = {}
            for sheet, cell, kind, value in plan:
                target_cell = sheets.getByName(sheet).getCellRangeByName(cell)
                if kind == 'number':
                    target_cell.setValue(value)
                else:
                    target_cell.setString(value)
                typed[sheet] = typed.get(sheet, 0) + 1
            for sheet, n in typed.items():
                print('typed %d cells into %s' % (n, sheet))

        edit_and_save(connect(pipe, office), source, target, 'Calc Office Open XML', type_plan)
    finally:
        try:
            office.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(office.pid, signal.SIGKILL)
            office.wait()


if __name__ == '__main__':
    main()
