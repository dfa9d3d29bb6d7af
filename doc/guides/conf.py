# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The manafo authors
#
# Minimal Sphinx configuration for the manafo guides:
#   sphinx-build -W -b html doc/guides <output directory>

import os
import re

project = 'manafo'
copyright = '2026, The manafo authors'
author = 'The manafo authors'


def _project_version():
    """The version from the top-level meson.build (project(... version: 'x.y.z'))."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'meson.build')
    try:
        with open(path, encoding='utf-8') as f:
            m = re.search(r"version:\s*'([^']+)'", f.read())
            if m:
                return m.group(1)
    except OSError:
        pass
    return 'unknown'


release = _project_version()
version = '.'.join(release.split('.')[:2])

master_doc = root_doc = 'index'
source_suffix = '.rst'
exclude_patterns = ['_build', '**/features/*.ini']
pygments_style = 'sphinx'
highlight_language = 'none'
numfig = False
html_title = 'manafo %s documentation' % release
html_show_sourcelink = False
