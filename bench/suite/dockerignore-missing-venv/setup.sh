. "$(dirname -- "$0")/../../lib/common.sh"
hello_app
echo 'flask==3.0.0' > requirements.txt
mkdir -p venv/lib
cat > Dockerfile <<'EOF_FILE'
FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY app.py .
CMD ["python", "app.py"]
EOF_FILE
