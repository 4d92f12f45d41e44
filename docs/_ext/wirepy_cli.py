"""A Sphinx directive that renders the ``wirepy`` command line's help.

``.. wirepy-cli::`` writes the top-level ``--help`` and then a section per
subcommand with that subcommand's ``--help``, all taken from
:func:`wirepy.cli.main.build_parser` at build time, so the reference never
drifts from the parser.
"""

from __future__ import annotations

import argparse
import os

from docutils import nodes
from sphinx.util.docutils import SphinxDirective


def _subparsers(parser: argparse.ArgumentParser):
    for action in parser._actions:  # argparse has no public accessor for these
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help for a in action._choices_actions}
            for name, sub in action.choices.items():
                yield name, helps.get(name), sub


def _help(parser: argparse.ArgumentParser) -> str:
    # A fixed width: the page must not depend on the terminal of the build.
    saved = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "88"
    try:
        return parser.format_help()
    finally:
        if saved is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = saved


class WirepyCliDirective(SphinxDirective):
    """Insert the help of ``wirepy`` and of each of its subcommands."""

    has_content = False

    def run(self):
        from wirepy.cli.main import build_parser

        parser = build_parser()
        result = [nodes.literal_block(text=_help(parser), language="text")]
        for name, summary, sub in _subparsers(parser):
            section_id = nodes.make_id(f"wirepy-{name}")
            section = nodes.section(ids=[section_id])
            section += nodes.title(text=f"wirepy {name}")
            if summary:
                section += nodes.paragraph(text=summary[0].upper() + summary[1:] + ".")
            section += nodes.literal_block(text=_help(sub), language="text")
            result.append(section)
        return result


def setup(app):
    app.add_directive("wirepy-cli", WirepyCliDirective)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
