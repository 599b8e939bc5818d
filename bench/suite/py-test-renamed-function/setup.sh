. "$(dirname -- "$0")/../../lib/common.sh"
cat > shapes.py <<'EOF_FILE'
import math


def circle_area(radius):
    return math.pi * radius * radius
EOF_FILE
cat > test_shapes.py <<'EOF_FILE'
import unittest

from shapes import area_of_circle


class AreaTest(unittest.TestCase):
    def test_unit_circle(self):
        self.assertAlmostEqual(area_of_circle(1), 3.14159, places=4)
EOF_FILE
