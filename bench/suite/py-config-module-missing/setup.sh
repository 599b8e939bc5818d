. "$(dirname -- "$0")/../../lib/common.sh"
# The app imports a settings module nobody wrote.
flask_wheel
cat > app.py <<'PY'
import flask
from settings import GREETING

print(GREETING)
PY
echo 'flask==3.0.0' > requirements.txt
python3 -m venv venv
PIP_NO_INDEX=1 PIP_FIND_LINKS=.wheels venv/bin/pip install -q --disable-pip-version-check -r requirements.txt
