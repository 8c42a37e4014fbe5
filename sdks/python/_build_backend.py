"""A PEP 517 build backend for the arcan package, standard library only.

Builds a pure-Python wheel of ./arcan (and an sdist, and an editable wheel) without
setuptools or wheel, which are not installable on an offline machine.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import tarfile
import zipfile
from typing import Dict, List, Optional

NAME = "arcan"
HERE = os.path.dirname(os.path.abspath(__file__))


def _project() -> Dict[str, str]:
    # tomllib is 3.11+; the few keys read here are simple `key = "value"` lines.
    fields: Dict[str, str] = {}
    section = ""
    with open(os.path.join(HERE, "pyproject.toml"), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line.startswith("["):
                section = line
            elif section == "[project]" and "=" in line and '"' in line:
                key, value = line.split("=", 1)
                value = value.strip()
                if value.startswith('"'):
                    fields[key.strip()] = value.strip('"')
    return fields


def _metadata() -> str:
    p = _project()
    lines = ["Metadata-Version: 2.1", f"Name: {NAME}", f"Version: {p['version']}", f"Summary: {p['description']}", f"Requires-Python: {p['requires-python']}", "Description-Content-Type: text/markdown", ""]
    with open(os.path.join(HERE, "README.md"), encoding="utf-8") as f:
        return "\n".join(lines) + "\n" + f.read()


def _package_files() -> List[str]:
    out = []
    for root, dirs, files in os.walk(os.path.join(HERE, NAME)):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in files:
            if not name.endswith(".pyc"):
                out.append(os.path.relpath(os.path.join(root, name), HERE))
    return sorted(out)


def _digest(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def _write_wheel(directory: str, files: Dict[str, bytes]) -> str:
    version = _project()["version"]
    dist_info = f"{NAME}-{version}.dist-info"
    files = dict(files)
    files[f"{dist_info}/METADATA"] = _metadata().encode()
    files[f"{dist_info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: arcan _build_backend\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = "".join(f"{path},{_digest(data)},{len(data)}\n" for path, data in files.items()) + f"{dist_info}/RECORD,,\n"
    files[f"{dist_info}/RECORD"] = record.encode()
    filename = f"{NAME}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(directory, filename), "w", zipfile.ZIP_DEFLATED) as wheel:
        for path, data in files.items():
            wheel.writestr(path, data)
    return filename


def get_requires_for_build_wheel(config_settings: Optional[dict] = None) -> List[str]:
    return []


get_requires_for_build_sdist = get_requires_for_build_wheel
get_requires_for_build_editable = get_requires_for_build_wheel


def build_wheel(wheel_directory: str, config_settings: Optional[dict] = None, metadata_directory: Optional[str] = None) -> str:
    files = {}
    for path in _package_files():
        with open(os.path.join(HERE, path), "rb") as f:
            files[path.replace(os.sep, "/")] = f.read()
    return _write_wheel(wheel_directory, files)


def build_editable(wheel_directory: str, config_settings: Optional[dict] = None, metadata_directory: Optional[str] = None) -> str:
    return _write_wheel(wheel_directory, {f"__editable__.{NAME}.pth": (HERE + "\n").encode()})


def build_sdist(sdist_directory: str, config_settings: Optional[dict] = None) -> str:
    version = _project()["version"]
    base = f"{NAME}-{version}"
    filename = f"{base}.tar.gz"
    with tarfile.open(os.path.join(sdist_directory, filename), "w:gz") as sdist:
        for path in ["pyproject.toml", "README.md", "_build_backend.py", *_package_files()]:
            sdist.add(os.path.join(HERE, path), arcname=f"{base}/{path}")
        info = _metadata().encode()
        entry = tarfile.TarInfo(f"{base}/PKG-INFO")
        entry.size = len(info)
        sdist.addfile(entry, io.BytesIO(info))
    return filename
