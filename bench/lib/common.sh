# Sourced by every setup script (cwd: the empty workspace). Offline helpers only.
set -eu
LIB=$(CDPATH='' cd -- "$(dirname -- "$0")/../../lib" && pwd)

# wheel NAME VERSION [PATH=CONTENT ...]: a local wheel in .wheels/ (PIP_FIND_LINKS points here).
wheel() { python3 "$LIB/wheel.py" .wheels "$@"; }

# flask_wheel: the stand-in Flask the Python instances use.
flask_wheel() {
  wheel flask 3.0.0 "flask/__init__.py=__version__ = '3.0.0'
class Flask:
    def __init__(self, name):
        self.name = name
    def route(self, path):
        return lambda view: view
"
}

# hello_app: app.py printing hello through flask.
hello_app() {
  cat > app.py <<'PY'
from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "hello"


if __name__ == "__main__":
    print(hello())
PY
}
