. "$(dirname -- "$0")/../../lib/common.sh"
flask_wheel
hello_app
echo 'flask==3.0.0' > requirements.txt
rm -rf .wheels
