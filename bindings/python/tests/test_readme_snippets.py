"""The Python programs the READMEs show run as written (issue 16).

Every ```python block of a README that starts with an import is a whole
program: it is run from the source tree's root, as a user would paste it,
with the library under test.  The other blocks are overviews of the API
(fragments), and are said to be so by not starting with an import.
"""

import importlib.util
import os
import re
import subprocess
import sys
import tempfile
import unittest

from support import SOURCE_DIR

READMES = ["README.md", "bindings/python/README.md", "examples/scale-out/README.md"]
BLOCK = re.compile(r"^```python\n(.*?)^```$", re.S | re.M)


def programs(readme):
    """The (line, text) of each whole program in a README."""
    with open(os.path.join(SOURCE_DIR, readme), encoding="utf-8") as f:
        text = f.read()
    for match in BLOCK.finditer(text):
        code = match.group(1)
        if code.startswith(("import ", "from ")):
            yield text.count("\n", 0, match.start()) + 1, code


def have_dask():
    return importlib.util.find_spec("distributed") is not None


class ReadmeSnippets(unittest.TestCase):

    def run_program(self, readme, line, code):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "snippet.py")
            with open(path, "w", encoding="utf-8") as f:
                f.write(code)
            done = subprocess.run([sys.executable, path], cwd=SOURCE_DIR, capture_output=True, text=True,
                                  timeout=300, env=dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(
                                      os.path.abspath(__file__)))))
        self.assertEqual(done.returncode, 0, "%s:%d exits %d:\n%s" % (readme, line, done.returncode, done.stderr))
        self.assertTrue(done.stdout.strip(), "%s:%d prints nothing" % (readme, line))

    def test_every_program_runs(self):
        ran = 0
        for readme in READMES:
            for line, code in programs(readme):
                if "batch" in code and not have_dask():
                    continue
                with self.subTest(readme=readme, line=line):
                    self.run_program(readme, line, code)
                ran += 1
        self.assertGreaterEqual(ran, 3 if have_dask() else 2)

    def test_dask_programs_have_the_main_guard(self):
        for readme in READMES:
            for line, code in programs(readme):
                if "local_client" in code:
                    self.assertIn('if __name__ == "__main__":', code, "%s:%d" % (readme, line))


if __name__ == "__main__":
    unittest.main()
