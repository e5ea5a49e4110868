#!/usr/bin/env bash
# Static checks of the deployment code, run by `make test` (and so by CI):
#   1. terraform fmt -check over infra/terraform
#   2. checkov over the Terraform code and the Dockerfile; any failed check fails the script.
#
# Providers cannot be downloaded on the build machines, so `terraform init/validate/plan` are not
# run here; tests/infra (python-hcl2) asserts the security-relevant settings instead.
#
# checkov pins heavy dependencies that could clash with the project's own, so it lives in its own
# virtualenv at .venv-tools/checkov (created on first use, from the package index pip is
# configured for). Skips are only allowed as inline `#checkov:skip=CKV_...:reason` comments next
# to the resource they concern; there is deliberately no skip list here.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

TF_DIR="infra/terraform"
DOCKERFILE="Dockerfile"
TOOLS_VENV=".venv-tools/checkov"
CHECKOV_REQUIREMENT='checkov>=3,<4'

log() { printf '==> %s\n' "$*"; }
die() { printf 'infra/check.sh: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------
# 1. terraform fmt

command -v terraform >/dev/null 2>&1 \
  || die "'terraform' is not on PATH; install Terraform >= 1.6 (https://developer.hashicorp.com/terraform/install) and re-run. This check is never skipped."

log "terraform fmt -check -recursive $TF_DIR ($(terraform version | head -n1))"
if ! terraform fmt -check -recursive -diff "$TF_DIR"; then
  die "Terraform files are not formatted; run: terraform fmt -recursive $TF_DIR"
fi

# ---------------------------------------------------------------------------------------------
# 2. checkov (own virtualenv)

checkov_usable() {
  [[ -x "$TOOLS_VENV/bin/checkov" ]] && "$TOOLS_VENV/bin/python" -c 'import checkov' >/dev/null 2>&1
}

if ! checkov_usable; then
  command -v python3 >/dev/null 2>&1 || die "python3 is needed to create $TOOLS_VENV"
  log "installing $CHECKOV_REQUIREMENT into $TOOLS_VENV (first run only; takes a few minutes)"
  rm -rf "$TOOLS_VENV"
  python3 -m venv "$TOOLS_VENV"
  if ! "$TOOLS_VENV/bin/python" -m pip install --disable-pip-version-check "$CHECKOV_REQUIREMENT" \
      >"$TOOLS_VENV/pip-install.log" 2>&1; then
    tail -n 40 "$TOOLS_VENV/pip-install.log" >&2
    die "pip could not install $CHECKOV_REQUIREMENT (full log: $TOOLS_VENV/pip-install.log)"
  fi
  checkov_usable || die "checkov could not be installed into $TOOLS_VENV"
fi

# Fully offline: no policy/guideline download, no platform mapping, no update check, no API key.
export BC_SKIP_MAPPING=TRUE
export CKV_SKIP_PACKAGE_UPDATE_CHECK=TRUE
unset BC_API_KEY PRISMA_API_URL || true

[[ -f "$DOCKERFILE" ]] || die "$DOCKERFILE not found at the repository root"

CHECKOV=("$TOOLS_VENV/bin/checkov" --skip-download --download-external-modules false --quiet --compact)
log "checkov $("$TOOLS_VENV/bin/checkov" --version)"

# Two runs: checkov ignores --file when --directory is also given.
status=0
log "checkov: Terraform in $TF_DIR"
"${CHECKOV[@]}" --framework terraform --directory "$TF_DIR" || status=1
log "checkov: $DOCKERFILE"
"${CHECKOV[@]}" --framework dockerfile --file "$DOCKERFILE" || status=1
[[ $status -eq 0 ]] || die "checkov reported failed checks (see above)"

log "infra checks passed"
