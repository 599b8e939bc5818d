. "$(dirname -- "$0")/../../lib/common.sh"
cat > package.json <<'EOF_FILE'
{
  "name": "bench-app",
  "version": "1.0.0",
  "private": true,
  "main": "server.js"
}
EOF_FILE
cat > server.js <<'EOF_FILE'
console.log('listening');
module.exports = {};
EOF_FILE
