. "$(dirname -- "$0")/../../lib/common.sh"
flask_wheel
echo 'flask==3.0.0' > requirements.txt
cat > app.py <<'EOF_FILE'
import flask


def greet():
    return 'helo'
EOF_FILE
cat > test_app.py <<'EOF_FILE'
import unittest

from app import greet


class GreetTest(unittest.TestCase):
    def test_greet(self):
        self.assertEqual(greet(), 'hello')
EOF_FILE
