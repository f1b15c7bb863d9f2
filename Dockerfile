# Follows Streamlit's official Docker guide: https://docs.streamlit.io/deploy/tutorials/docker
# The image is self-contained: nothing is fetched when the container runs.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Production settings: the values of deploy/production.env (tests/deploy/test_config.py keeps them equal).
# No file watcher above all: with it, each new session's first run stalls every other student for ~250 ms.
ENV STREAMLIT_SERVER_FILE_WATCHER_TYPE=none \
    STREAMLIT_SERVER_RUN_ON_SAVE=false \
    STREAMLIT_SERVER_HEADLESS=true \
    STREAMLIT_BROWSER_GATHER_USAGE_STATS=false \
    STREAMLIT_GLOBAL_DEVELOPMENT_MODE=false \
    STREAMLIT_LOGGER_LEVEL=warning

WORKDIR /app

# Requirements first, so a code change does not reinstall the dependencies.
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .

# Run as an unprivileged user; the app only reads its files.
RUN groupadd --gid 10001 app && useradd --uid 10001 --gid 10001 --create-home --shell /usr/sbin/nologin app
USER 10001:10001

EXPOSE 8501

# Python's urllib instead of curl: the slim image has no curl and needs none.
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).read() != b'ok')"]

# deploy/serve.py runs every page once before the port opens, so "healthy" means warm (SOFTMAX_WARMUP=0: skip).
# Replicas behind a balancer need one shared secret: pass STREAMLIT_SERVER_COOKIE_SECRET.
ENTRYPOINT ["python", "-m", "deploy.serve", "app.py", "--server.port=8501", "--server.address=0.0.0.0"]
