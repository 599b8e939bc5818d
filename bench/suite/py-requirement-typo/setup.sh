. "$(dirname -- "$0")/../../lib/common.sh"
# requirements.txt names flsk, a typo for flask.
flask_wheel
hello_app
echo 'flsk==3.0.0' > requirements.txt
python3 -m venv venv
