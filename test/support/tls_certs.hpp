// Test-time TLS certificates: a private CA and leaf certificates signed by it (and a few deliberately bad
// ones), generated with the OpenSSL 3 C API the first time a test asks for them.
#pragma once

#include <filesystem>

namespace igtcloud::test {

/// Paths of the PEM files generated for the TLS tests. All of them live in `dir`.
///
/// Every certificate has a random serial number and an EC P-256 key; keys are unencrypted PKCS#8 PEM files
/// with mode 0600. Validity is from one hour ago to one day ahead, except for `expired_cert`.
struct tls_files {
    /// A fresh private temp directory (mode 0700) holding all files.
    std::filesystem::path dir{};
    /// Self-signed CA (basicConstraints critical CA:TRUE, keyUsage critical keyCertSign, cRLSign), PEM.
    std::filesystem::path ca_cert{};
    /// Signed by the CA; SAN DNS:localhost, IP:127.0.0.1; EKU serverAuth; CN localhost.
    std::filesystem::path server_cert{};
    /// PEM private key of `server_cert` (unencrypted).
    std::filesystem::path server_key{};
    /// Signed by the CA; SAN DNS:wrong.example.org only; EKU serverAuth.
    std::filesystem::path wrong_host_cert{};
    std::filesystem::path wrong_host_key{};
    /// Self-signed leaf, NOT signed by the CA: SAN localhost/127.0.0.1, EKU serverAuth, CA:FALSE and no
    /// keyUsage (so OpenSSL reports it as self-signed).
    std::filesystem::path self_signed_cert{};
    std::filesystem::path self_signed_key{};
    /// Signed by the CA; EKU clientAuth; CN igtcloud-test-client; no SAN.
    std::filesystem::path client_cert{};
    std::filesystem::path client_key{};
    /// Signed by the CA, SAN localhost/127.0.0.1, EKU serverAuth, valid from 2 days ago until 1 day ago.
    std::filesystem::path expired_cert{};
    std::filesystem::path expired_key{};
};

/// Generates the certificate files once per process and returns them.
///
/// Thread safety: safe to call from any thread; the first call generates (a function-local static), later
/// calls return the same object. If generation fails, the next call tries again.
/// Lifetime: the returned reference and the files stay valid until the process exits; the directory is then
/// removed (best effort).
/// Errors: throws `std::runtime_error` carrying the OpenSSL error text (or the system error) on failure.
tls_files const& test_certificates();

} // namespace igtcloud::test
