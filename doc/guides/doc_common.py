# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The manafo authors
"""Helpers shared by the documentation checks: C source scraping, RST
list-table parsing and the ok/FAIL report."""

import os
import re
import sys


def source_root(arg):
    """The source tree: the argument, or two levels above this file."""
    if arg:
        return os.path.abspath(arg)
    return os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))


def read(path):
    with open(path, encoding='utf-8') as f:
        return f.read()


def strip_c_comments(text):
    """C source without comments (string literals holding '/*' are not expected)."""
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    return re.sub(r'//[^\n]*', ' ', text)


def c_block(text, start_regex):
    """The text between the '{' that follows start_regex and its matching '}'."""
    m = re.search(start_regex, text)
    if m is None:
        return None
    i = text.find('{', m.end() - 1)
    if i < 0:
        return None
    depth = 0
    for j in range(i, len(text)):
        if text[j] == '{':
            depth += 1
        elif text[j] == '}':
            depth -= 1
            if depth == 0:
                return text[i + 1:j]
    return None


def c_defines(text):
    """#define NAME <integer> of a header."""
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r'^#define\s+(\w+)\s+(\d+)\b', text, re.M)}


def rst_list_table(text, label):
    """Rows (lists of cell strings) of the first list-table after '.. _<label>:'.

    Cells keep their text with continuation lines joined by one space; the
    header row is returned too (first row).
    """
    m = re.search(r'^\.\. _%s:\s*$' % re.escape(label), text, re.M)
    if m is None:
        return None
    lines = text[m.end():].splitlines()
    i = 0
    while i < len(lines) and not lines[i].lstrip().startswith('.. list-table::'):
        i += 1
    if i == len(lines):
        return None
    base = len(lines[i]) - len(lines[i].lstrip())
    rows = []
    cell = None
    for line in lines[i + 1:]:
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        if indent <= base:
            break
        body = line.strip()
        if body.startswith(':'):		# directive option
            continue
        if body.startswith('* - ') or body == '* -':
            rows.append([body[3:].strip()])
            cell = rows[-1]
        elif body.startswith('- ') or body == '-':
            if cell is None:
                return None
            cell.append(body[1:].strip())
        elif cell is not None:
            cell[-1] = (cell[-1] + ' ' + body).strip()
    return rows


def first_literal(cell):
    """The first ``literal`` of an RST cell, or None."""
    m = re.search(r'``(.+?)``', cell)
    return m.group(1) if m else None


class Report:
    """ok/FAIL lines, then 'N passed, N failed'."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, cond, msg):
        if cond:
            self.passed += 1
            print('ok   ' + msg)
        else:
            self.failed += 1
            print('FAIL ' + msg)
        return cond

    def done(self):
        print('%d passed, %d failed' % (self.passed, self.failed))
        sys.stdout.flush()
        return 1 if self.failed else 0
