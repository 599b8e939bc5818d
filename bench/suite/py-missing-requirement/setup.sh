. "$(dirname -- "$0")/../../lib/common.sh"
# app.py imports a package requirements.txt forgot.
flask_wheel
wheel tabulate 0.9.0
cat > app.py <<'PY'
import flask
import tabulate

print("hello")
PY
echo 'flask==3.0.0' > requirements.txt
python3 -m venv venv
PIP_NO_INDEX=1 PIP_FIND_LINKS=.wheels venv/bin/pip install -q --disable-pip-version-check flask==3.0.0
