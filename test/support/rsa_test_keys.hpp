#pragma once

// RSA and EC keys for the auth tests (unit and integration), generated once per test binary with OpenSSL's
// EVP API (never stored).

#include <string>

namespace auth_test {

struct pem_pair {
    std::string private_pem; ///< PKCS#8 "PRIVATE KEY"
    std::string public_pem;  ///< SubjectPublicKeyInfo "PUBLIC KEY"
};

/// An RSA 2048 key pair (the same for the whole binary).
pem_pair const& rsa_keys();
/// Another RSA 2048 key pair, for "signed by someone else".
pem_pair const& other_rsa_keys();
/// An EC P-256 key pair.
pem_pair const& ec_keys();
/// rsa_keys()'s private key as PKCS#1 "RSA PRIVATE KEY" and its public key as PKCS#1 "RSA PUBLIC KEY".
pem_pair const& rsa_keys_pkcs1();
/// rsa_keys()'s private key encrypted with a passphrase ("ENCRYPTED PRIVATE KEY").
std::string const& encrypted_rsa_private_pem();

} // namespace auth_test
