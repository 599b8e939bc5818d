. "$(dirname -- "$0")/../../lib/common.sh"
cat > test_stats.py <<'EOF_FILE'
import unittest

from stats import mean


class MeanTest(unittest.TestCase):
    def test_mean(self):
        self.assertEqual(mean([1, 2, 3]), 2)


if __name__ == '__main__':
    unittest.main()
EOF_FILE
