#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The manafo authors
"""Build the guides with warnings as errors.

With sphinx-build: sphinx-build -W --keep-going -b html <src> <out>.
Without it: every .rst file is parsed with docutils, Sphinx's directives and
roles replaced by stand-ins (toctree entries, :doc: targets and
literalinclude files must exist); any warning or error fails the check.
Neither: the test is skipped (exit status 77).

Usage: check_build.py --src <doc/guides> --out <dir> [--sphinx <sphinx-build>]
"""

import argparse
import glob
import io
import os
import subprocess
import sys

SKIP = 77


def run_sphinx(sphinx, src, out):
    doctrees = os.path.join(out, '.doctrees')
    cmd = [sphinx, '-W', '--keep-going', '-q', '-b', 'html', '-d', doctrees, src, out]
    print('# ' + ' '.join(cmd))
    sys.stdout.flush()
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True, check=False)
    if res.stdout:
        print(res.stdout.rstrip())
    ok = res.returncode == 0
    print('%s sphinx-build -W: html in %s' % ('ok  ' if ok else 'FAIL', out))
    print('%d passed, %d failed' % (ok, not ok))
    return 0 if ok else 1


def docutils_check(src):
    try:
        import docutils.core
        import docutils.nodes
        from docutils.parsers.rst import Directive, directives, roles
    except ImportError:
        print('SKIP: neither sphinx-build nor docutils found '
              '(Debian packages python3-sphinx, python3-docutils)')
        return SKIP

    current = {'path': None}
    problems = []

    def doc_exists(target):
        base = os.path.dirname(current['path'])
        target = target.strip()
        if target.startswith('/'):
            path = os.path.join(src, target.lstrip('/'))
        else:
            path = os.path.join(base, target)
        return os.path.isfile(os.path.normpath(path) + '.rst')

    class TocTree(Directive):
        has_content = True
        optional_arguments = 0
        option_spec = {'maxdepth': directives.unchanged, 'caption': directives.unchanged,
                       'hidden': directives.flag, 'numbered': directives.unchanged,
                       'titlesonly': directives.flag, 'glob': directives.flag}

        def run(self):
            for entry in self.content:
                if entry.strip() and not doc_exists(entry):
                    problems.append('%s: toctree entry "%s" has no document'
                                    % (current['path'], entry.strip()))
            return []

    class CodeBlock(Directive):
        has_content = True
        optional_arguments = 1
        option_spec = {'linenos': directives.flag, 'caption': directives.unchanged,
                       'emphasize-lines': directives.unchanged, 'name': directives.unchanged}

        def run(self):
            text = '\n'.join(self.content)
            return [docutils.nodes.literal_block(text, text)]

    class LiteralInclude(Directive):
        required_arguments = 1
        option_spec = {'language': directives.unchanged, 'lines': directives.unchanged,
                       'caption': directives.unchanged}

        def run(self):
            path = os.path.join(os.path.dirname(current['path']), self.arguments[0])
            if not os.path.isfile(path):
                problems.append('%s: literalinclude %s not found' % (current['path'], path))
                return []
            with open(path, encoding='utf-8') as f:
                text = f.read()
            return [docutils.nodes.literal_block(text, text)]

    def doc_role(name, rawtext, text, lineno, inliner, options=None, content=None):
        target = text.split('<')[-1].rstrip('>') if '<' in text else text
        if not doc_exists(target):
            problems.append('%s:%d: :doc: target "%s" not found'
                            % (current['path'], lineno, target))
        return [docutils.nodes.literal(rawtext, text)], []

    def plain_role(name, rawtext, text, lineno, inliner, options=None, content=None):
        return [docutils.nodes.literal(rawtext, text)], []

    directives.register_directive('toctree', TocTree)
    directives.register_directive('code-block', CodeBlock)
    directives.register_directive('literalinclude', LiteralInclude)
    roles.register_local_role('doc', doc_role)
    roles.register_local_role('ref', plain_role)

    files = sorted(glob.glob(os.path.join(src, '**', '*.rst'), recursive=True))
    for path in files:
        current['path'] = path
        stream = io.StringIO()
        with open(path, encoding='utf-8') as f:
            text = f.read()
        docutils.core.publish_doctree(text, source_path=path, settings_overrides={
            'report_level': 2, 'halt_level': 5, 'warning_stream': stream,
            'file_insertion_enabled': True, 'raw_enabled': False})
        # One problem per message: a message starts with "<path>:<line>: (LEVEL/n)".
        for line in stream.getvalue().splitlines():
            if not line.strip():
                continue
            if line.startswith(path) or not problems or problems[-1] is None:
                problems.append(line)
            else:
                problems[-1] += ' | ' + line.strip()
    print('# sphinx-build not found: checked %d .rst files with docutils %s instead '
          '(Sphinx-only checks such as cross-references are approximated)'
          % (len(files), docutils.__version__))
    for p in problems:
        print('FAIL ' + p)
    if not problems:
        print('ok   %d files parse without warning' % len(files))
    print('%d passed, %d failed' % (0 if problems else 1, len(problems)))
    return 1 if problems else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--src', default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument('--out', required=True)
    ap.add_argument('--sphinx', default='', help='sphinx-build program; empty: not found')
    opts = ap.parse_args()
    if opts.sphinx:
        return run_sphinx(opts.sphinx, opts.src, opts.out)
    return docutils_check(opts.src)


if __name__ == '__main__':
    sys.exit(main())
