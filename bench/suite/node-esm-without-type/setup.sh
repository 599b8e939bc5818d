. "$(dirname -- "$0")/../../lib/common.sh"
cat > package.json <<'EOF_FILE'
{
  "name": "bench-app",
  "version": "1.0.0",
  "private": true,
  "main": "index.js"
}
EOF_FILE
cat > index.js <<'EOF_FILE'
import { hello } from './lib.js';
console.log(hello());
EOF_FILE
cat > lib.js <<'EOF_FILE'
export const hello = () => 'hello';
EOF_FILE
