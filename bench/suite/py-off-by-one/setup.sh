. "$(dirname -- "$0")/../../lib/common.sh"
cat > calc.py <<'EOF_FILE'
def double(x):
    return x + x + 1
EOF_FILE
cat > test_calc.py <<'EOF_FILE'
import unittest

from calc import double


class DoubleTest(unittest.TestCase):
    def test_double(self):
        self.assertEqual(double(2), 4)
EOF_FILE
