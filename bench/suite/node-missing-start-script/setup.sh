. "$(dirname -- "$0")/../../lib/common.sh"
# No server.js on purpose: npm's default start script (node server.js) must not apply.
cat > package.json <<'EOF_FILE'
{
  "name": "bench-app",
  "version": "1.0.0",
  "private": true,
  "main": "app.js"
}
EOF_FILE
cat > app.js <<'EOF_FILE'
console.log('listening');
module.exports = {};
EOF_FILE
