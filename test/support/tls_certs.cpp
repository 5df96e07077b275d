// Test-time certificate generation with the OpenSSL 3 C API (no openssl binary).
#include "support/tls_certs.hpp"

#include <cerrno>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <unistd.h>

namespace igtcloud::test {
namespace {

namespace fs = std::filesystem;

/// Deleter calling an OpenSSL `*_free` function, for `std::unique_ptr`.
template <auto Free>
struct openssl_deleter {
    template <class T>
    void operator()(T* p) const noexcept
    {
        Free(p);
    }
};

using bio_ptr = std::unique_ptr<BIO, openssl_deleter<BIO_free_all>>;
using bignum_ptr = std::unique_ptr<BIGNUM, openssl_deleter<BN_free>>;
using pkey_ptr = std::unique_ptr<EVP_PKEY, openssl_deleter<EVP_PKEY_free>>;
using x509_ptr = std::unique_ptr<X509, openssl_deleter<X509_free>>;
using x509_ext_ptr = std::unique_ptr<X509_EXTENSION, openssl_deleter<X509_EXTENSION_free>>;

constexpr long one_hour = 60L * 60L;
constexpr long one_day = 24L * one_hour;

/// Builds the exception for a failed OpenSSL call: `what`, then the drained OpenSSL error queue.
std::runtime_error openssl_error(std::string_view what)
{
    std::string text = "tls_certs: ";
    text += what;
    char const* sep = ": ";
    while (unsigned long const code = ERR_get_error()) {
        char buf[256];
        ERR_error_string_n(code, buf, sizeof buf);
        text += sep;
        text += buf;
        sep = "; ";
    }
    return std::runtime_error(text);
}

/// Throws `openssl_error(what)` unless `ok`.
void check(bool ok, std::string_view what)
{
    if (!ok) throw openssl_error(what);
}

/// What one certificate looks like. An empty extension value leaves that extension out.
struct cert_spec {
    std::string common_name{};
    std::string basic_constraints{"critical,CA:FALSE"};
    std::string key_usage{"critical,digitalSignature"};
    std::string extended_key_usage{};
    std::string subject_alt_name{};
    long not_before{-one_hour}; // seconds from now
    long not_after{one_day};    // seconds from now
};

/// The certificate and key that sign a new certificate; both null means self-signed.
struct signer {
    X509* cert{};
    EVP_PKEY* key{};
};

/// A fresh EC P-256 key pair.
pkey_ptr make_key()
{
    pkey_ptr key{EVP_EC_gen("P-256")};
    check(key != nullptr, "EVP_EC_gen(P-256)");
    return key;
}

/// Sets a random positive 64-bit serial number on `cert`.
void set_random_serial(X509* cert)
{
    bignum_ptr serial{BN_new()};
    check(serial != nullptr, "BN_new");
    check(BN_rand(serial.get(), 64, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) == 1, "BN_rand");
    check(BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert)) != nullptr, "BN_to_ASN1_INTEGER");
}

/// Sets `name` to `O=igtcloud-test, CN=common_name`.
void set_name(X509_NAME* name, std::string const& common_name)
{
    auto const add = [name](char const* field, std::string const& value) {
        auto const* bytes = reinterpret_cast<unsigned char const*>(value.c_str());
        check(X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, bytes, -1, -1, 0) == 1,
              "X509_NAME_add_entry_by_txt");
    };
    add("O", "igtcloud-test");
    add("CN", common_name);
}

/// A v3 certificate with serial, validity, subject, issuer name and public key, but no extensions yet.
x509_ptr make_skeleton(cert_spec const& spec, EVP_PKEY* key, X509* issuer)
{
    x509_ptr cert{X509_new()};
    check(cert != nullptr, "X509_new");
    check(X509_set_version(cert.get(), X509_VERSION_3) == 1, "X509_set_version");
    set_random_serial(cert.get());
    check(X509_gmtime_adj(X509_getm_notBefore(cert.get()), spec.not_before) != nullptr, "X509_gmtime_adj");
    check(X509_gmtime_adj(X509_getm_notAfter(cert.get()), spec.not_after) != nullptr, "X509_gmtime_adj");
    set_name(X509_get_subject_name(cert.get()), spec.common_name);
    X509_NAME const* issuer_name = X509_get_subject_name(issuer != nullptr ? issuer : cert.get());
    check(X509_set_issuer_name(cert.get(), issuer_name) == 1, "X509_set_issuer_name");
    check(X509_set_pubkey(cert.get(), key) == 1, "X509_set_pubkey");
    return cert;
}

/// Adds the extension `nid` with the config-syntax `value` (e.g. "critical,CA:TRUE"), if `value` is set.
void add_extension(X509* cert, X509V3_CTX* ctx, int nid, std::string const& value)
{
    if (value.empty()) return;
    x509_ext_ptr ext{X509V3_EXT_conf_nid(nullptr, ctx, nid, value.c_str())};
    check(ext != nullptr, std::string("X509V3_EXT_conf_nid(") + OBJ_nid2sn(nid) + ", " + value + ")");
    check(X509_add_ext(cert, ext.get(), -1) == 1, "X509_add_ext");
}

/// Adds the X509v3 extensions of `spec`; `issuer` is the signing certificate (`cert` itself when
/// self-signed).
void add_extensions(X509* cert, X509* issuer, cert_spec const& spec)
{
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    add_extension(cert, &ctx, NID_basic_constraints, spec.basic_constraints);
    add_extension(cert, &ctx, NID_key_usage, spec.key_usage);
    add_extension(cert, &ctx, NID_ext_key_usage, spec.extended_key_usage);
    add_extension(cert, &ctx, NID_subject_alt_name, spec.subject_alt_name);
    // The subject key identifier must exist before a self-signed authority key identifier can refer to it.
    add_extension(cert, &ctx, NID_subject_key_identifier, "hash");
    add_extension(cert, &ctx, NID_authority_key_identifier, "keyid:always");
}

/// A certificate for `key` described by `spec`, signed with SHA-256 by `by` (self-signed when `by` is empty).
x509_ptr make_cert(cert_spec const& spec, EVP_PKEY* key, signer by)
{
    x509_ptr cert = make_skeleton(spec, key, by.cert);
    X509* const issuer = by.cert != nullptr ? by.cert : cert.get();
    EVP_PKEY* const signing_key = by.key != nullptr ? by.key : key;
    add_extensions(cert.get(), issuer, spec);
    check(X509_sign(cert.get(), signing_key, EVP_sha256()) > 0, "X509_sign");
    return cert;
}

/// Runs `write(bio)` on a memory BIO and returns what it wrote.
template <class Write>
std::string to_pem(Write write, std::string_view what)
{
    bio_ptr bio{BIO_new(BIO_s_mem())};
    check(bio != nullptr, "BIO_new");
    check(write(bio.get()) == 1, what);
    char* data = nullptr;
    long const size = BIO_get_mem_data(bio.get(), &data);
    check(size > 0 && data != nullptr, "BIO_get_mem_data");
    return std::string(data, static_cast<std::size_t>(size));
}

/// Owns a POSIX file descriptor.
struct file_descriptor {
    int fd{-1};
    explicit file_descriptor(int descriptor) noexcept : fd(descriptor) {}
    file_descriptor(file_descriptor const&) = delete;
    file_descriptor& operator=(file_descriptor const&) = delete;
    ~file_descriptor()
    {
        if (fd >= 0) ::close(fd);
    }
};

/// Throws a `std::system_error` (a `std::runtime_error`) for the current `errno`.
[[noreturn]] void throw_errno(std::string const& what)
{
    throw std::system_error(errno, std::generic_category(), "tls_certs: " + what);
}

/// Creates the new file `path` with permissions `mode` (before umask) and writes `contents` to it.
void write_new_file(fs::path const& path, std::string_view contents, mode_t mode)
{
    file_descriptor file{::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)};
    if (file.fd < 0) throw_errno("open " + path.string());
    while (!contents.empty()) {
        ssize_t const n = ::write(file.fd, contents.data(), contents.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw_errno("write " + path.string());
        contents.remove_prefix(static_cast<std::size_t>(n));
    }
    int const rc = ::close(file.fd);
    file.fd = -1;
    if (rc != 0) throw_errno("close " + path.string());
}

/// Writes `cert` as PEM to `dir/<name>.crt` (mode 0644) and returns the path.
fs::path write_cert(fs::path const& dir, char const* name, X509* cert)
{
    fs::path path = dir / (std::string(name) + ".crt");
    write_new_file(
        path, to_pem([cert](BIO* bio) { return PEM_write_bio_X509(bio, cert); }, "PEM_write_bio_X509"), 0644);
    return path;
}

/// Writes `key` as unencrypted PKCS#8 PEM to `dir/<name>.key` (mode 0600) and returns the path.
fs::path write_key(fs::path const& dir, char const* name, EVP_PKEY* key)
{
    fs::path path = dir / (std::string(name) + ".key");
    auto const write = [key](BIO* bio) {
        return PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    };
    write_new_file(path, to_pem(write, "PEM_write_bio_PrivateKey"), 0600);
    return path;
}

/// One generated leaf: its certificate and key files.
struct leaf_paths {
    fs::path cert{};
    fs::path key{};
};

/// Generates a key and a certificate per `spec`, signed by `by`, and writes both as `dir/<name>.{crt,key}`.
leaf_paths write_leaf(fs::path const& dir, char const* name, cert_spec const& spec, signer by)
{
    pkey_ptr const key = make_key();
    x509_ptr const cert = make_cert(spec, key.get(), by);
    return {write_cert(dir, name, cert.get()), write_key(dir, name, key.get())};
}

/// The spec of a TLS server certificate for `subject_alt_name`.
cert_spec server_spec(std::string common_name, std::string subject_alt_name)
{
    cert_spec spec{};
    spec.common_name = std::move(common_name);
    spec.extended_key_usage = "serverAuth";
    spec.subject_alt_name = std::move(subject_alt_name);
    return spec;
}

/// Generates every file of `tls_files` into the existing private directory `dir`.
tls_files generate_into(fs::path const& dir)
{
    ERR_clear_error(); // so that a failure reports only its own errors
    char const* const local_names = "DNS:localhost,IP:127.0.0.1";
    tls_files files{};
    files.dir = dir;

    cert_spec ca_spec{};
    ca_spec.common_name = "igtcloud-test-ca";
    ca_spec.basic_constraints = "critical,CA:TRUE,pathlen:0";
    ca_spec.key_usage = "critical,keyCertSign,cRLSign";
    pkey_ptr const ca_key = make_key();
    x509_ptr const ca = make_cert(ca_spec, ca_key.get(), signer{});
    files.ca_cert = write_cert(dir, "ca", ca.get());
    signer const by_ca{ca.get(), ca_key.get()};

    auto const server = write_leaf(dir, "server", server_spec("localhost", local_names), by_ca);
    files.server_cert = server.cert;
    files.server_key = server.key;

    auto const wrong =
        write_leaf(dir, "wrong_host", server_spec("wrong.example.org", "DNS:wrong.example.org"), by_ca);
    files.wrong_host_cert = wrong.cert;
    files.wrong_host_key = wrong.key;

    // No keyUsage, so that OpenSSL sees a self-signed certificate (as `openssl req -x509` makes) rather than
    // a certificate whose issuer is missing.
    cert_spec self_spec = server_spec("localhost", local_names);
    self_spec.key_usage.clear();
    auto const self = write_leaf(dir, "self_signed", self_spec, signer{});
    files.self_signed_cert = self.cert;
    files.self_signed_key = self.key;

    cert_spec client_spec{};
    client_spec.common_name = "igtcloud-test-client";
    client_spec.extended_key_usage = "clientAuth";
    auto const client = write_leaf(dir, "client", client_spec, by_ca);
    files.client_cert = client.cert;
    files.client_key = client.key;

    cert_spec expired_spec = server_spec("localhost", local_names);
    expired_spec.not_before = -2 * one_day;
    expired_spec.not_after = -one_day;
    auto const expired = write_leaf(dir, "expired", expired_spec, by_ca);
    files.expired_cert = expired.cert;
    files.expired_key = expired.key;
    return files;
}

/// A fresh directory (mode 0700, via mkdtemp) in the system temp directory, removed again on destruction.
class private_dir {
public:
    private_dir()
    {
        std::string pattern = (fs::temp_directory_path() / "igtcloud-tls-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) throw_errno("mkdtemp " + pattern);
        path_ = pattern;
    }
    private_dir(private_dir const&) = delete;
    private_dir& operator=(private_dir const&) = delete;
    ~private_dir()
    {
        std::error_code ignored;
        fs::remove_all(path_, ignored); // best effort
    }
    fs::path const& path() const noexcept { return path_; }

private:
    fs::path path_{};
};

/// The generated files and the directory that holds them; the directory goes when this does.
struct generated_certificates {
    private_dir dir{};
    tls_files files{generate_into(dir.path())}; // if this throws, `dir` is removed
};

} // namespace

tls_files const& test_certificates()
{
    static generated_certificates const generated{};
    return generated.files;
}

} // namespace igtcloud::test
