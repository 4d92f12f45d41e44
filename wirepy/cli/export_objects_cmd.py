"""``wirepy export-objects``: the objects a protocol carried, saved as
``tshark --export-objects PROTO,DIR`` saves them."""

from __future__ import annotations

import argparse

from ..capture import FileCapture
from ..errors import CaptureFileError
from .common import CommandError, dissection_options


def run(args: argparse.Namespace) -> int:
    from .. import export_objects

    try:
        objects = export_objects.ObjectList(args.protocol)
    except export_objects.ExportObjectsError as exc:
        raise CommandError(str(exc), 1) from None
    cap = FileCapture(args.file, display_filter=args.display_filter, two_pass=args.two_pass,
                      fields=[], taps=[objects], **dissection_options(args))
    failure = None
    try:
        cap._read_for_taps()
    except CaptureFileError as exc:
        failure = exc       # as tshark: what was read is saved, then the error
    objects.write(args.folder)
    if failure is not None:
        raise failure
    return 0
