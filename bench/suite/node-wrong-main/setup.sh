. "$(dirname -- "$0")/../../lib/common.sh"
mkdir -p src
cat > package.json <<'EOF_FILE'
{
  "name": "bench-app",
  "version": "1.0.0",
  "private": true,
  "main": "index.js"
}
EOF_FILE
cat > src/index.js <<'EOF_FILE'
module.exports = { hello: () => 'hello' };
EOF_FILE
