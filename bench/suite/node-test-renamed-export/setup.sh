. "$(dirname -- "$0")/../../lib/common.sh"
cat > package.json <<'EOF_FILE'
{
  "name": "bench-app",
  "version": "1.0.0",
  "private": true,
  "scripts": {
    "test": "node --test"
  }
}
EOF_FILE
cat > math.js <<'EOF_FILE'
exports.add = (a, b) => a + b;
EOF_FILE
cat > math.test.js <<'EOF_FILE'
const test = require('node:test');
const assert = require('node:assert');
const { sum } = require('./math.js');

test('sum adds', () => {
  assert.strictEqual(sum(2, 3), 5);
});
EOF_FILE
