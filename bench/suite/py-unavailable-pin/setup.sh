. "$(dirname -- "$0")/../../lib/common.sh"
# A pin to a version that was never released.
flask_wheel
wheel colorama 0.4.6
cat > app.py <<'PY'
import colorama
import flask

print("hello")
PY
printf 'flask==3.0.0\ncolorama==9.9.9\n' > requirements.txt
python3 -m venv venv
