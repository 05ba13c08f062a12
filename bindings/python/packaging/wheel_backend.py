"""A PEP 517 build backend for the pure-Python binding, standard library only.

pip builds a package in an isolated environment into which it first
installs what `[build-system] requires` names; setuptools would have to be
downloaded, which an offline machine cannot do.  This backend needs
nothing: it zips the `libcontract` package with the metadata a wheel
carries (PEP 427: METADATA, WHEEL, RECORD) and writes an sdist of the
same files.  It reads the name, version, description and extras from
pyproject.toml's [project] table.
"""

import ast
import base64
import hashlib
import io
import os
import re
import tarfile
import zipfile

try:
    import tomllib  # Python 3.11 (Debian 12)
except ImportError:  # Python 3.9 and 3.10
    tomllib = None

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = "libcontract"
TAG = "py3-none-any"


def _simple_toml(text):
    """The tables of the TOML this pyproject.toml uses — `key = "text"`,
    `key = ["text", ...]` and `key = {...}` on one line — for an interpreter
    without tomllib."""
    tables, table = {}, None
    for line in text.splitlines():
        line = line.strip()
        header = re.fullmatch(r"\[([\w.-]+)\]", line)
        if header:
            table = tables
            for part in header.group(1).split("."):
                table = table.setdefault(part, {})
        elif table is not None and re.match(r"[\w-]+\s*=", line) and not line.endswith("}"):
            key, value = (part.strip() for part in line.split("=", 1))
            table[key] = ast.literal_eval(value)
    return tables


def _project():
    """pyproject.toml's [project] table."""
    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as f:
        data = f.read()
    return (tomllib.loads(data.decode("utf-8")) if tomllib else _simple_toml(data.decode("utf-8")))["project"]


def _metadata(project):
    """The METADATA text (core metadata 2.1)."""
    lines = ["Metadata-Version: 2.1", "Name: " + project["name"], "Version: " + project["version"],
             "Summary: " + project.get("description", ""),
             "Requires-Python: " + project.get("requires-python", ">=3")]
    for extra, requirements in sorted(project.get("optional-dependencies", {}).items()):
        lines.append("Provides-Extra: " + extra)
        lines += ['Requires-Dist: %s; extra == "%s"' % (r, extra) for r in requirements]
    readme = os.path.join(ROOT, project.get("readme", "README.md"))
    body = ""
    if os.path.exists(readme):
        lines.append("Description-Content-Type: text/markdown")
        with open(readme, encoding="utf-8") as f:
            body = f.read()
    return "\n".join(lines) + "\n\n" + body


def _package_files():
    """The package's source files (relative paths, sorted): no caches."""
    found = []
    for folder, dirs, files in os.walk(os.path.join(ROOT, PACKAGE)):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        found += [os.path.relpath(os.path.join(folder, f), ROOT) for f in files if f.endswith(".py")]
    return sorted(found)


def _record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d" % (name, digest, len(data))


def _dist_name(project):
    return "%s-%s" % (project["name"].replace("-", "_"), project["version"])


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    """Writes the wheel into wheel_directory; returns its file name."""
    project = _project()
    dist_info = _dist_name(project) + ".dist-info"
    entries = []
    for path in _package_files():
        with open(os.path.join(ROOT, path), "rb") as f:
            entries.append((path.replace(os.sep, "/"), f.read()))
    entries.append((dist_info + "/METADATA", _metadata(project).encode("utf-8")))
    wheel = "Wheel-Version: 1.0\nGenerator: libcontract wheel_backend\nRoot-Is-Purelib: true\nTag: %s\n" % TAG
    entries.append((dist_info + "/WHEEL", wheel.encode()))
    record = [_record_line(name, data) for name, data in entries] + [dist_info + "/RECORD,,"]
    entries.append((dist_info + "/RECORD", ("\n".join(record) + "\n").encode()))
    name = "%s-%s.whl" % (_dist_name(project), TAG)
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w", zipfile.ZIP_DEFLATED) as whl:
        for entry, data in entries:
            whl.writestr(zipfile.ZipInfo(entry, date_time=(1980, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return name


def build_sdist(sdist_directory, config_settings=None):
    """Writes a source archive of the package and its build files; returns its name."""
    project = _project()
    base = _dist_name(project)
    files = _package_files() + ["pyproject.toml", "README.md", os.path.join("packaging", "wheel_backend.py")]
    name = base + ".tar.gz"
    with tarfile.open(os.path.join(sdist_directory, name), "w:gz", format=tarfile.PAX_FORMAT) as tar:
        for path in files:
            tar.add(os.path.join(ROOT, path), arcname=os.path.join(base, path), recursive=False)
        info = tarfile.TarInfo(os.path.join(base, "PKG-INFO"))
        data = _metadata(project).encode("utf-8")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return name
