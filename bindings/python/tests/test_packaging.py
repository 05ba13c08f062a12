"""pip's package (pyproject.toml and its standard-library backend): the
version is the library's, the wheel holds every module and nothing else,
and a record pip checks (PEP 427).  Installing it into a virtual
environment offline is tests/install/run.sh's part."""

import base64
import hashlib
import importlib.util
import os
import re
import tempfile
import unittest
import zipfile

from support import SOURCE_DIR, libcontract

BINDING = os.path.join(SOURCE_DIR, "bindings", "python")


def load_backend():
    spec = importlib.util.spec_from_file_location("wheel_backend", os.path.join(BINDING, "packaging", "wheel_backend.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Packaging(unittest.TestCase):

    def setUp(self):
        self.backend = load_backend()
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def test_the_version_is_the_librarys(self):
        with open(os.path.join(SOURCE_DIR, "CMakeLists.txt"), encoding="utf-8") as f:
            cmake = re.search(r"project\(libcontract VERSION ([0-9.]+)", f.read()).group(1)
        project = self.backend._project()
        self.assertEqual(project["version"], cmake)
        self.assertEqual(libcontract.version(), cmake)
        self.assertEqual(project["dependencies"], [], "the standard library only")

    def test_the_toml_reader_without_tomllib_agrees(self):
        with open(os.path.join(BINDING, "pyproject.toml"), encoding="utf-8") as f:
            simple = self.backend._simple_toml(f.read())["project"]
        self.assertEqual(simple, self.backend._project())

    def test_the_wheel_holds_the_modules_and_a_true_record(self):
        name = self.backend.build_wheel(self.tmp.name)
        self.assertRegex(name, r"^libcontract-[0-9.]+-py3-none-any\.whl$")
        with zipfile.ZipFile(os.path.join(self.tmp.name, name)) as whl:
            names = set(whl.namelist())
            modules = {"libcontract/" + f for f in os.listdir(os.path.join(BINDING, "libcontract")) if f.endswith(".py")}
            self.assertEqual({n for n in names if n.startswith("libcontract/")}, modules)
            record = whl.read(next(n for n in names if n.endswith("/RECORD"))).decode().splitlines()
            self.assertEqual(len(record), len(names))
            for line in record:
                path, digest, size = line.rsplit(",", 2)
                if not digest:
                    continue
                data = whl.read(path)
                want = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
                self.assertEqual((digest, int(size)), ("sha256=" + want, len(data)), path)

    def test_the_sdist_builds_again(self):
        import tarfile
        name = self.backend.build_sdist(self.tmp.name)
        with tarfile.open(os.path.join(self.tmp.name, name)) as tar:
            members = tar.getnames()
        base = name[:-len(".tar.gz")]
        for needed in ("pyproject.toml", "packaging/wheel_backend.py", "libcontract/__init__.py", "PKG-INFO"):
            self.assertIn(base + "/" + needed, members)


if __name__ == "__main__":
    unittest.main()
