. "$(dirname -- "$0")/../../lib/common.sh"
# Built so the backend role's health check (the venv imports its requirements) already
# passes while the goal is not met: only the success_command can tell.
flask_wheel
hello_app
echo 'flask==3.0.0' > requirements.txt
python3 -m venv venv
PIP_NO_INDEX=1 PIP_FIND_LINKS=.wheels venv/bin/pip install -q --disable-pip-version-check -r requirements.txt
