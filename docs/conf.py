"""Sphinx configuration of the wirepy documentation.

Built by ``make docs``: the HTML site and the doctest run, both with ``-W``.
Every example runs against ``examples/sample.pcapng``, from the repository's
root (the doctest setup changes into it), so the docs cannot rot silently.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(HERE, "_ext"))
sys.path.insert(0, ROOT)

import wirepy  # noqa: E402

project = "wirepy"
author = "the wirepy authors"
copyright = "GPL-2.0-or-later, the wirepy authors"
release = version = wirepy.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.doctest",
    "sphinx.ext.viewcode",
    "sphinx.ext.intersphinx",
    "wirepy_cli",
]

# No network at build time: intersphinx is loaded only for the role syntax;
# the mapping is empty so nothing is fetched.
intersphinx_mapping = {}

templates_path = []
exclude_patterns = ["_build", "benchmark-results.txt"]
root_doc = "index"
nitpicky = False
# A type named in an annotation (``bytes``) is looked up among the documented
# names too, and matches every attribute of that name (TreeNode.bytes,
# TapCounter.bytes): the ambiguity is not an error in the text.
suppress_warnings = ["ref.python"]

html_theme = "alabaster"
html_static_path = []
html_theme_options = {
    "description": "Wireshark from Python, at C speed",
    "fixed_sidebar": True,
}

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_format = "short"
autodoc_default_options = {
    "members": True,
    "undoc-members": True,
    "show-inheritance": True,
}
autoclass_content = "both"

# -- doctest ---------------------------------------------------------------
# Every example runs from the repository root so that the paths they show
# (``examples/sample.pcapng``) are the ones a reader types.
doctest_global_setup = f"""
import os as _os
_os.chdir({ROOT!r})
SAMPLE = "examples/sample.pcapng"
IS_ROOT = _os.geteuid() == 0
# The examples in docstrings use the names of their own module.
from wirepy import DisplayFilter, Dissector, dissect
from wirepy.settings import cross_packet_reason
"""
doctest_default_flags = (
    __import__("doctest").ELLIPSIS
    | __import__("doctest").NORMALIZE_WHITESPACE
    | __import__("doctest").DONT_ACCEPT_TRUE_FOR_1
)
