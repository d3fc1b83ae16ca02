"""Build steps setuptools has no setting for (see pyproject.toml for the rest).

- The wheel's tag: py3-none-manylinux2014_<arch>.musllinux_1_1_<arch>. The binary is static,
  so it runs with any C library (or none) of its architecture; pip on glibc and on musl
  distributions alike accepts the wheel. SCHEMAGATE_WHEEL_ARCH overrides the architecture
  (default: this machine's), for a binary built for another one.
- bin/schemagate is a native executable, installed on PATH as the `schemagate` command: it is
  copied as it is, where setuptools would read a script as text to rewrite its #! line.
"""

import os
import platform

from setuptools import Distribution, setup
from wheel.bdist_wheel import bdist_wheel

import distutils.command.build_scripts  # setuptools' own copy, through its distutils shim

ARCH = os.environ.get("SCHEMAGATE_WHEEL_ARCH") or platform.machine()


class BinaryDistribution(Distribution):
    # A platform wheel (Root-Is-Purelib: false) whose Python files still sit at its root.
    def has_ext_modules(self):
        return True


class PlatformWheel(bdist_wheel):
    def get_tag(self):
        return "py3", "none", f"manylinux2014_{ARCH}.musllinux_1_1_{ARCH}"


class CopyBinary(distutils.command.build_scripts.build_scripts):
    def copy_scripts(self):
        self.mkpath(self.build_dir)
        outfiles = []
        for script in self.scripts:
            outfile = os.path.join(self.build_dir, os.path.basename(script))
            self.copy_file(script, outfile, preserve_mode=True)
            outfiles.append(outfile)
        return outfiles, outfiles


setup(distclass=BinaryDistribution,
      cmdclass={"bdist_wheel": PlatformWheel, "build_scripts": CopyBinary})
