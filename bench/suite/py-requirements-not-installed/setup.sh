. "$(dirname -- "$0")/../../lib/common.sh"
# The seed's problem: the venv exists, requirements.txt was never installed.
flask_wheel
hello_app
echo 'flask==3.0.0' > requirements.txt
python3 -m venv venv
