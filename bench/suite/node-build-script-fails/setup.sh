. "$(dirname -- "$0")/../../lib/common.sh"
mkdir -p src scripts
cat > package.json <<'EOF_FILE'
{
  "name": "bench-app",
  "version": "1.0.0",
  "private": true,
  "main": "src/index.js",
  "scripts": {
    "build": "node scripts/buld.js"
  }
}
EOF_FILE
cat > src/index.js <<'EOF_FILE'
module.exports = { ok: true };
EOF_FILE
cat > scripts/build.js <<'EOF_FILE'
const fs = require('node:fs');
fs.mkdirSync('dist', { recursive: true });
fs.copyFileSync('src/index.js', 'dist/index.js');
console.log('built dist/index.js');
EOF_FILE
