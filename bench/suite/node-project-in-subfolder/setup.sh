. "$(dirname -- "$0")/../../lib/common.sh"
mkdir -p web
cat > package.json <<'EOF_FILE'
{
  "name": "bench-app",
  "version": "1.0.0",
  "private": true,
  "main": "web/server.js",
  "scripts": {
    "start": "node web/server.js"
  }
}
EOF_FILE
cat > config.js <<'EOF_FILE'
module.exports = { port: 8080 };
EOF_FILE
cat > web/server.js <<'EOF_FILE'
const { port } = require('./config');
console.log('port ' + port);
module.exports = {};
EOF_FILE
