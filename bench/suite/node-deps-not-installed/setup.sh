. "$(dirname -- "$0")/../../lib/common.sh"
mkdir -p vendor/greeting
cat > package.json <<'EOF_FILE'
{
  "name": "bench-app",
  "version": "1.0.0",
  "private": true,
  "main": "index.js",
  "dependencies": {
    "greeting": "file:vendor/greeting"
  }
}
EOF_FILE
cat > index.js <<'EOF_FILE'
const greeting = require('greeting');
console.log(greeting('bench'));
module.exports = {};
EOF_FILE
cat > vendor/greeting/package.json <<'EOF_FILE'
{"name": "greeting", "version": "1.0.0", "main": "index.js"}
EOF_FILE
cat > vendor/greeting/index.js <<'EOF_FILE'
module.exports = (name) => 'hello ' + name;
EOF_FILE
