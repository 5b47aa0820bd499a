# Sourced by scripts/serve and scripts/test: make .venv with the pinned dependencies, once.
# Usage: . scripts/bootstrap.sh requirements.txt [more requirement files]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "timeline needs Python 3.11 or newer; found $("$PYTHON" --version 2>&1). Set PYTHON=/path/to/python3.11" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv with $("$PYTHON" --version)" >&2
  "$PYTHON" -m venv .venv
fi
stamp=$(cat "$@" pyproject.toml | sha256sum | cut -c1-16)
if [ "$(cat .venv/.installed 2>/dev/null)" != "$stamp" ]; then
  echo "Installing pinned dependencies into .venv" >&2
  # The lock files hold every package, pinned (pip check finds nothing missing): --no-deps installs
  # exactly them, without re-reading each package's own ranges (trafilatura's asks for lxml's old
  # html_clean extra, which lxml 6 no longer has, and pip warned about it on every fresh machine).
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps $(printf -- '-r %s ' "$@")
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
  echo "$stamp" > .venv/.installed
fi
