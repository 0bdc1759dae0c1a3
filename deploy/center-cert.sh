#!/usr/bin/env bash
# Client certificates for the centers, with the openssl CLI: headquarters (kiosk-hq serve
# --client-ca) takes uploads only over TLS connections that present one.
#
#   deploy/center-cert.sh ca DIR [DAYS]           the centers' CA: DIR/centers-ca.pem and
#                                                 DIR/centers-ca.key.pem (0600; keep it offline)
#   deploy/center-cert.sh issue DIR CODE [DAYS]   a center's certificate, signed by the CA in DIR:
#                                                 DIR/CODE.pem and DIR/CODE.key.pem (0600)
#
# Give centers-ca.pem to headquarters (/etc/kiosk-hq/centers-ca.pem) and CODE.pem with
# CODE.key.pem to that center's kiosk (hq_client_cert, hq_client_key). Nothing is overwritten.
# DAYS defaults to 3650 for the CA and 825 for a center.
set -euo pipefail

fail() {
    echo "center-cert.sh: $*" >&2
    exit 1
}

usage() {
    fail "usage: center-cert.sh ca DIR [DAYS] | center-cert.sh issue DIR CODE [DAYS]"
}

# new_key PATH: an EC P-256 private key, readable by its owner only.
new_key() {
    (umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null) ||
        fail "openssl cannot create the key $1"
}

command -v openssl >/dev/null || fail "openssl is not installed"
action=${1:-}
dir=${2:-}
if [ -z "$action" ] || [ -z "$dir" ]; then usage; fi

case "$action" in
ca)
    days=${3:-3650}
    [[ "$days" =~ ^[0-9]+$ ]] || fail "DAYS must be a number of days"
    if [ -e "$dir/centers-ca.pem" ] || [ -e "$dir/centers-ca.key.pem" ]; then fail "$dir already holds a CA"; fi
    mkdir -p "$dir"
    new_key "$dir/centers-ca.key.pem"
    openssl req -x509 -new -key "$dir/centers-ca.key.pem" -out "$dir/centers-ca.pem" -days "$days" \
        -subj "/CN=Recruiting centers CA" -addext basicConstraints=critical,CA:TRUE,pathlen:0 \
        -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null || fail "openssl cannot create the CA"
    echo "created $dir/centers-ca.pem (give it to headquarters) and $dir/centers-ca.key.pem (keep it offline)"
    ;;
issue)
    code=${3:-}
    days=${4:-825}
    [[ "$code" =~ ^[A-Z0-9]{2,12}$ ]] || fail "the center code must be 2 to 12 capitals or digits, such as KYIV03"
    [[ "$days" =~ ^[0-9]+$ ]] || fail "DAYS must be a number of days"
    if [ ! -f "$dir/centers-ca.pem" ] || [ ! -f "$dir/centers-ca.key.pem" ]; then
        fail "no CA in $dir: run center-cert.sh ca $dir"
    fi
    if [ -e "$dir/$code.pem" ] || [ -e "$dir/$code.key.pem" ]; then fail "$dir already holds a certificate for $code"; fi
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    new_key "$dir/$code.key.pem"
    openssl req -new -key "$dir/$code.key.pem" -subj "/CN=$code" -out "$work/request.csr" 2>/dev/null ||
        fail "openssl cannot create the request"
    printf '%s\n' 'basicConstraints=critical,CA:FALSE' 'keyUsage=critical,digitalSignature' \
        'extendedKeyUsage=clientAuth' >"$work/extensions"
    openssl x509 -req -in "$work/request.csr" -CA "$dir/centers-ca.pem" -CAkey "$dir/centers-ca.key.pem" \
        -set_serial "0x$(openssl rand -hex 16)" -days "$days" -extfile "$work/extensions" \
        -out "$dir/$code.pem" 2>/dev/null || fail "openssl cannot sign the certificate"
    echo "created $dir/$code.pem and $dir/$code.key.pem: give both to center $code (hq_client_cert, hq_client_key)"
    ;;
*)
    usage
    ;;
esac
