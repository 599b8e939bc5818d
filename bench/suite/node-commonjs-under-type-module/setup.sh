. "$(dirname -- "$0")/../../lib/common.sh"
cat > package.json <<'EOF_FILE'
{
  "name": "bench-app",
  "version": "1.0.0",
  "private": true,
  "main": "index.js",
  "type": "module"
}
EOF_FILE
cat > index.js <<'EOF_FILE'
const { hello } = require('./lib.js');
console.log(hello());
module.exports = {};
EOF_FILE
cat > lib.js <<'EOF_FILE'
exports.hello = () => 'hello';
EOF_FILE
