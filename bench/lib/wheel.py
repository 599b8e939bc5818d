"""Builds a tiny pure-Python wheel offline: wheel.py OUTDIR NAME VERSION [PATH=CONTENT ...].

Without PATH=CONTENT pairs the wheel holds NAME/__init__.py setting __version__. The RECORD
carries real hashes, so pip installs it with PIP_NO_INDEX=1 and PIP_FIND_LINKS=OUTDIR.
"""
import base64, hashlib, os, sys, zipfile

out, name, version, *pairs = sys.argv[1:]
files = dict(pair.split("=", 1) for pair in pairs) or {
    f"{name}/__init__.py": f'__version__ = "{version}"\n'
}
info = f"{name}-{version}.dist-info"
files[f"{info}/METADATA"] = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
files[f"{info}/WHEEL"] = (
    "Wheel-Version: 1.0\nGenerator: codegod-bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
)
record = []
for path, text in files.items():
    data = text.encode()
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    record.append(f"{path},sha256={digest},{len(data)}")
record.append(f"{info}/RECORD,,")
files[f"{info}/RECORD"] = "\n".join(record) + "\n"
os.makedirs(out, exist_ok=True)
with zipfile.ZipFile(os.path.join(out, f"{name}-{version}-py3-none-any.whl"), "w") as archive:
    for path, text in files.items():
        archive.writestr(path, text)
