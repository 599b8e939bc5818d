. "$(dirname -- "$0")/../../lib/common.sh"
# A Flask app whose venv was never created.
flask_wheel
hello_app
echo 'flask==3.0.0' > requirements.txt
