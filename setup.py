"""setuptools glue: the CFFI extension is built by wirepy/lib/_build.py.

Metadata lives in pyproject.toml; ``cffi_modules`` is the one thing
setuptools cannot take from there.
"""

from setuptools import setup

setup(cffi_modules=["wirepy/lib/_build.py:ffibuilder"])
