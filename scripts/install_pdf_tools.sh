#!/usr/bin/env bash
# Install what scripts/build_pdf.py needs: XeLaTeX, latexmk, the LaTeX packages Sphinx uses, xeCJK
# and the Noto CJK fonts for the Chinese PDF, and pdfinfo. On Debian or Ubuntu it installs them
# (as root, or through sudo); elsewhere it says what to install and fails.
set -euo pipefail
packages="texlive-xetex texlive-lang-chinese texlive-latex-extra texlive-fonts-recommended latexmk fonts-noto-cjk fonts-freefont-otf fonts-dejavu-core poppler-utils"
have_all() {
    # (no `fc-list | grep -q` here: under pipefail, grep closing the pipe early fails fc-list)
    command -v xelatex >/dev/null && command -v latexmk >/dev/null && command -v pdfinfo >/dev/null \
        && kpsewhich xeCJK.sty >/dev/null 2>&1 \
        && [ -n "$(fc-list 'Noto Serif CJK SC' 2>/dev/null)" ] && [ -n "$(fc-list 'DejaVu Sans Mono' 2>/dev/null)" ]
}
if have_all; then
    exit 0
fi
if command -v apt-get >/dev/null; then
    if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
        echo "install as root: apt-get install $packages" >&2; exit 1; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $packages >/dev/null
    have_all && exit 0
fi
cat >&2 <<MSG
The PDFs need XeLaTeX with latexmk and the LaTeX packages of a full TeX Live (xeCJK, ctex,
fncychap, tabulary, ...), the Noto CJK fonts (Noto Serif CJK SC, Noto Sans CJK SC) and poppler's
pdfinfo/pdftotext. On Debian or Ubuntu: sudo apt-get install $packages
On macOS: install MacTeX (https://tug.org/mactex/) and the Noto CJK fonts, and poppler (brew install poppler).
On Windows: install TeX Live or MiKTeX with XeLaTeX and latexmk, and the Noto CJK fonts.
MSG
exit 1
