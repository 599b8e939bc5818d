. "$(dirname -- "$0")/../../lib/common.sh"
cat > check_env.py <<'EOF_FILE'
import sys

keys = {}
for line in open('.env'):
    line = line.strip()
    if line and not line.startswith('#') and '=' in line:
        name, value = line.split('=', 1)
        keys[name.strip()] = value.strip()
missing = [k for k in ('DATABASE_URL', 'SECRET_KEY', 'PORT') if not keys.get(k)]
if missing:
    sys.exit('missing in .env: ' + ', '.join(missing))
print('config ok')
EOF_FILE
cat > Dockerfile <<'EOF_FILE'
FROM python:3.12-slim
WORKDIR /app
COPY check_env.py .
CMD ["python", "check_env.py"]
EOF_FILE
printf 'DATABASE_URL=sqlite:///app.db\n' > .env
printf 'DATABASE_URL=\nSECRET_KEY=\nPORT=8000\n' > .env.example
